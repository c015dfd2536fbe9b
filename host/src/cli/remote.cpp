#include "cli/remote.hpp"

#include <chrono>
#include <functional>
#include <iostream>
#include <optional>
#include <thread>

#include "cli/run_support.hpp"
#include "core/json_schema.hpp"
#include "core/json_text.hpp"
#include "core/status.hpp"
#include "http/client.hpp"

namespace packhost::cli {

Json remote_call(AppContext& ctx, const std::string& method, const std::string& target, const Json& body) {
    auto* client = ctx.remote();
    http::ClientResponse r;
    try {
        r = client->request(method, target, body.is_null() ? "" : core::to_json_text(body));
    } catch (const std::runtime_error& e) {
        throw RemoteError(kExitFailed, e.what());
    }
    Json parsed = Json::parse(r.body, nullptr, false);
    if (r.status >= 200 && r.status < 300) {
        if (r.body.empty()) return nullptr;
        if (parsed.is_discarded()) throw RemoteError(kExitFailed, client->base_url() + " answered with no JSON");
        return parsed;
    }
    std::string why = parsed.is_object() && parsed.contains("faultstring") ? parsed["faultstring"].get<std::string>()
                                                                           : "HTTP " + std::to_string(r.status);
    throw RemoteError(r.status >= 400 && r.status < 500 ? kExitUsage : kExitFailed, why);
}

namespace {

bool finished(const Json& record) {
    auto status = core::parse_status(record.value("status", ""));
    return status && core::is_completed(*status);
}

// Polls the execution until `reached` (by default: until it ends) or `until`
// passes; returns its record.
Json follow(AppContext& ctx, Json record,
            std::chrono::steady_clock::time_point until = std::chrono::steady_clock::time_point::max(),
            const std::function<bool(const Json&)>& reached = finished) {
    const std::string id = record["id"];
    for (auto wait = std::chrono::milliseconds(5); !reached(record) && std::chrono::steady_clock::now() < until;
         wait = std::min(wait * 2, std::chrono::milliseconds(200))) {
        std::this_thread::sleep_for(wait);
        record = remote_call(ctx, "GET", "/api/v1/executions/" + id);
    }
    return record;
}

// `key=value` arguments cast by the types the server declares for `ref`;
// nullopt after telling the user (exit status set).
std::optional<Json> cast_for(AppContext& ctx, const std::string& ref, const std::vector<std::string>& args,
                             int& exit_code) {
    Json action;
    try {
        action = remote_call(ctx, "GET", "/api/v1/actions/" + http::percent_encode(ref));
    } catch (const RemoteError& e) {
        if (e.exit_code() != kExitUsage) throw;
        exit_code = usage_error(ctx, {"action '" + ref + "' is not registered (see 'packhost action list')"});
        return std::nullopt;
    }
    auto schema = core::JsonSchema::compile(
        Json{{"type", "object"}, {"properties", action.value("parameters", Json::object())}}, ref);
    Json params = Json::object();
    auto problems =
        parse_parameters([&schema](const std::string& key) { return schema.root().property(key); }, args, params);
    if (!problems.empty()) {
        exit_code = usage_error(ctx, problems);
        return std::nullopt;
    }
    return params;
}

// Starts what `body` asks at `target` and prints it once it has ended.
int start_and_follow(AppContext& ctx, const std::string& target, const Json& body) {
    Json started;
    try {
        started = remote_call(ctx, "POST", target, body);
    } catch (const RemoteError& e) {
        if (e.exit_code() != kExitUsage) throw;
        return usage_error(ctx, {e.what()});
    }
    return print_finished(ctx, follow(ctx, std::move(started)), Json::array());
}

}  // namespace

int remote_run(AppContext& ctx, const std::string& ref, const std::vector<std::string>& args, double timeout) {
    int code = kExitOk;
    auto params = cast_for(ctx, ref, args, code);
    if (!params) return code;
    Json body{{"action", ref}, {"parameters", *params}};
    if (timeout > 0) body["timeout"] = timeout;
    return start_and_follow(ctx, "/api/v1/executions", body);
}

int remote_rerun(AppContext& ctx, const std::string& id, const std::vector<std::string>& overrides) {
    Json original;
    try {
        original = remote_call(ctx, "GET", "/api/v1/executions/" + http::percent_encode(id));
    } catch (const RemoteError& e) {
        if (e.exit_code() != kExitUsage) throw;
        return usage_error(ctx, {e.what()});
    }
    int code = kExitOk;
    auto params = cast_for(ctx, original["action"].value("ref", ""), overrides, code);
    if (!params) return code;
    return start_and_follow(ctx, "/api/v1/executions/" + http::percent_encode(id) + "/re_run",
                            Json{{"parameters", *params}});
}

int remote_control(AppContext& ctx, const std::string& id, core::Control kind, std::chrono::seconds wait) {
    std::string target = "/api/v1/executions/" + http::percent_encode(id);
    bool cancel = kind == core::Control::cancel;
    Json record;
    try {
        record = cancel ? remote_call(ctx, "DELETE", target)
                        : remote_call(ctx, "PUT", target,
                                      Json{{"status", kind == core::Control::pause ? "pausing" : "resuming"}});
    } catch (const RemoteError& e) {
        if (std::string_view(e.what()).find("has already finished") == std::string_view::npos) {
            if (e.exit_code() != kExitUsage) throw;
            return usage_error(ctx, {e.what()});
        }
        // As the local command says it (cli/execution_commands.cpp, report()).
        if (!cancel) {
            std::cerr << "error: " << e.what() << "\n";
            return kExitFailed;
        }
        record = remote_call(ctx, "GET", target);
        std::cerr << "execution " << id << " had already finished: " << record.value("status", "") << "\n";
        return kExitFailed;
    }
    auto reached = [kind](const Json& r) {
        auto status = core::parse_status(r.value("status", ""));
        return status && core::control_reached(kind, *status);
    };
    record = follow(ctx, std::move(record), std::chrono::steady_clock::now() + wait, reached);
    std::string status = record.value("status", "");
    if (ctx.json) {
        std::cout << core::to_json_text(record, 2) << '\n';
    } else {
        std::cout << "execution " << id << ": " << status << "\n";
    }
    if (!reached(record)) {
        std::cerr << "error: execution " << id << " did not " << core::to_string(kind) << " within " << wait.count()
                  << " s (still " << status << ")\n";
        return kExitFailed;
    }
    return cancel && status != "canceled" ? kExitFailed : kExitOk;
}

int remote_tail(AppContext& ctx, const std::string& id) {
    std::string target = "/api/v1/executions/" + http::percent_encode(id);
    Json record;
    try {
        record = remote_call(ctx, "GET", target);
    } catch (const RemoteError& e) {
        if (e.exit_code() != kExitUsage) throw;
        return usage_error(ctx, {e.what()});
    }
    auto exit_for = [](const Json& r) { return r.value("status", "") == "succeeded" ? kExitOk : kExitFailed; };
    if (!finished(record)) {
        // From the stream, replayed from the start of what the server keeps:
        // chunks in order (by seq), the end from the execution's last update.
        http::Client stream(ctx.remote()->base_url(), std::chrono::seconds(30));
        if (auto key = ctx.settings.text("client.api_key"); !key.empty()) stream.set_header("St2-Api-Key", key);
        std::string pending;
        int64_t next_seq = 0;
        bool ended = false;
        int status = stream.stream(
            "/stream/v1/stream?last_event_id=1&events=st2.execution.output__create,st2.execution__update",
            [&](std::string_view data) {
                pending.append(data);
                for (size_t end; (end = pending.find("\n\n")) != std::string::npos; pending.erase(0, end + 2)) {
                    std::string_view block(pending.data(), end);
                    size_t at = block.find("\ndata: ");
                    if (at == std::string_view::npos) continue;
                    Json e = Json::parse(block.substr(at + 7), nullptr, false);
                    if (!e.is_object()) continue;
                    if (e.value("execution_id", "") == id && e.value("seq", int64_t{-1}) >= next_seq) {
                        (e.value("output_type", "") == "stderr" ? std::cerr : std::cout)
                            << e.value("data", "") << std::flush;
                        next_seq = e.value("seq", int64_t{0}) + 1;
                    } else if (e.value("id", "") == id && finished(e)) {
                        record = std::move(e);
                        ended = true;
                    }
                }
                return !ended;
            });
        if (status == 200 && ended) return exit_for(record);
        record = remote_call(ctx, "GET", target);
        if (!finished(record)) throw RemoteError(kExitFailed, "the event stream ended before execution " + id);
        return exit_for(record);
    }
    // Already over: what it printed, as stored.
    for (const char* type : {"stdout", "stderr"}) {
        auto r = ctx.remote()->request("GET", target + "/output?output_type=" + type);
        (std::string_view(type) == "stderr" ? std::cerr : std::cout) << r.body << std::flush;
    }
    return exit_for(record);
}

}  // namespace packhost::cli
