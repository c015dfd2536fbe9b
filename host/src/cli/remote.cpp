#include "cli/remote.hpp"

#include <chrono>
#include <iostream>
#include <thread>

#include "cli/run_support.hpp"
#include "core/json_schema.hpp"
#include "core/json_text.hpp"
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

int remote_run(AppContext& ctx, const std::string& ref, const std::vector<std::string>& args, double timeout) {
    Json action;
    try {
        action = remote_call(ctx, "GET", "/api/v1/actions/" + http::percent_encode(ref));
    } catch (const RemoteError& e) {
        if (e.exit_code() != kExitUsage) throw;
        return usage_error(ctx, {"action '" + ref + "' is not registered (see 'packhost action list')"});
    }
    // Cast as the server would: by the parameters' declared types.
    auto schema = core::JsonSchema::compile(
        Json{{"type", "object"}, {"properties", action.value("parameters", Json::object())}}, ref);
    Json params = Json::object();
    auto problems =
        parse_parameters([&schema](const std::string& key) { return schema.root().property(key); }, args, params);
    if (!problems.empty()) return usage_error(ctx, problems);
    Json body{{"action", ref}, {"parameters", params}};
    if (timeout > 0) body["timeout"] = timeout;
    Json started;
    try {
        started = remote_call(ctx, "POST", "/api/v1/executions", body);
    } catch (const RemoteError& e) {
        if (e.exit_code() != kExitUsage) throw;
        return usage_error(ctx, {e.what()});
    }
    std::string id = started["id"];
    Json record = started;
    for (auto wait = std::chrono::milliseconds(5);; wait = std::min(wait * 2, std::chrono::milliseconds(200))) {
        auto status = core::parse_status(record.value("status", ""));
        if (status && core::is_completed(*status)) break;
        std::this_thread::sleep_for(wait);
        record = remote_call(ctx, "GET", "/api/v1/executions/" + id);
    }
    return print_finished(ctx, record, Json::array());
}

}  // namespace packhost::cli
