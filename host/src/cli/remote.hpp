#pragma once
// The CLI against a remote `packhost serve` (--url / PACKHOST_URL, with
// --api-key / PACKHOST_API_KEY): the same commands, output, --json and exit
// statuses, with the REST API in place of the store.
#include <chrono>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/app_context.hpp"
#include "core/json_value.hpp"
#include "core/status.hpp"

namespace packhost::cli {

// A refusal from the server, with the exit status it stands for: 2 for the
// caller's mistakes (4xx), 1 for the server's trouble or none reached.
class RemoteError : public std::runtime_error {
public:
    RemoteError(int exit_code, const std::string& message) : std::runtime_error(message), exit_code_(exit_code) {}
    int exit_code() const noexcept { return exit_code_; }

private:
    int exit_code_;
};

// The JSON the server answers, or RemoteError with its faultstring.
Json remote_call(AppContext& ctx, const std::string& method, const std::string& target, const Json& body = nullptr);

// Runs `fn` (a command's remote side), printing a RemoteError as the local
// command prints its errors and setting the exit status.
template <typename Fn>
void remotely(AppContext& ctx, Fn fn) {
    try {
        fn();
    } catch (const RemoteError& e) {
        if (ctx.json) {
            std::cout << "{\n  \"error\": " << Json(e.what()).dump() << "\n}\n";
        } else {
            std::cerr << "error: " << e.what() << '\n';
        }
        ctx.exit_code = e.exit_code();
    }
}

// `packhost run` against the server: the action's parameters cast by its
// declared types (read from the server), started, followed until it ends.
int remote_run(AppContext& ctx, const std::string& ref, const std::vector<std::string>& parameters, double timeout);

// `execution cancel|pause|resume ID`: asked (DELETE, or StackStorm's PUT
// with "pausing"/"resuming"), then followed for up to `wait` until it is
// where it was asked to be (core::control_reached); printed as the local
// command prints it. Returns the exit status.
int remote_control(AppContext& ctx, const std::string& id, core::Control kind, std::chrono::seconds wait);
// `execution re-run ID [key=value ...]`, followed and printed as `run`.
int remote_rerun(AppContext& ctx, const std::string& id, const std::vector<std::string>& overrides);
// `execution tail ID`: its output as it comes, from the event stream.
int remote_tail(AppContext& ctx, const std::string& id);

}  // namespace packhost::cli
