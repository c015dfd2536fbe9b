// The runner types the actions module implements, with StackStorm's runner
// parameters (contrib/runners/*/runner.yaml).
#include "actions/runner_registry.hpp"
#include "actions/runners/http_request.hpp"
#include "actions/runners/local_shell.hpp"

namespace packhost::actions {
namespace {

Json local_parameters(bool with_cmd) {
    Json p = Json::object();
    if (with_cmd)
        p["cmd"] = {{"type", "string"}, {"description", "Arbitrary Linux command to be executed on the local host."}};
    p["cwd"] = {{"type", "string"}, {"description", "Working directory where the command will be executed in"}};
    p["env"] = {
        {"type", "object"},
        {"description", "Environment variables which will be available to the command (e.g. key1=val1,key2=val2)"}};
    p["kwarg_op"] = {{"type", "string"},
                     {"default", "--"},
                     {"description", "Operator to use in front of keyword args i.e. \"--\" or \"-\"."}};
    p["sudo"] = {{"type", "boolean"}, {"default", false}, {"description", "The command will be executed with sudo."}};
    p["sudo_password"] = {{"type", "string"},
                          {"secret", true},
                          {"description", "Sudo password. To be used when passwordless sudo is not allowed."}};
    p["timeout"] = {
        {"type", "integer"},
        {"default", 60},
        {"description", "Action timeout in seconds. Action will get killed if it doesn't finish in timeout seconds."}};
    return p;
}

Json http_parameters() {
    Json p = Json::object();
    p["url"] = {{"type", "string"}, {"required", true}, {"description", "URL to the HTTP endpoint."}};
    p["method"] = {{"type", "string"},
                   {"default", "GET"},
                   {"enum", {"HEAD", "GET", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH", "PURGE"}},
                   {"description", "HTTP method to use."}};
    p["headers"] = {{"type", "object"}, {"description", "HTTP headers for the request."}};
    p["body"] = {{"type", {"string", "object", "array"}},
                 {"description", "Body to send (an object or array is sent as JSON)."}};
    p["params"] = {{"type", "object"}, {"description", "Query string parameters."}};
    p["username"] = {{"type", "string"}, {"description", "User name for basic authentication."}};
    p["password"] = {{"type", "string"}, {"secret", true}, {"description", "Password for basic authentication."}};
    p["timeout"] = {{"type", "number"}, {"default", 60}, {"description", "Timeout for the HTTP request, in seconds."}};
    p["verify_ssl_cert"] = {
        {"type", "boolean"}, {"default", true}, {"description", "Verify the server's certificate."}};
    p["allow_redirects"] = {{"type", "boolean"}, {"default", false}, {"description", "Follow redirects (at most 10)."}};
    return p;
}

}  // namespace

void register_action_runners(RunnerRegistry& registry) {
    RunnerCapabilities in_process;
    in_process.in_process = true;
    RunnerCapabilities process;
    process.spawns_processes = true;

    registry.add({"native", Json::object(), false, in_process, nullptr});
    registry.add({"local-shell-cmd", local_parameters(true), false, process,
                  [](const ActionSource&) { return make_local_shell_cmd(); }});
    registry.add({"local-shell-script", local_parameters(false), true, process,
                  [](const ActionSource& s) { return make_local_shell_script(s.entry_point); }});
    registry.add({"noop", Json::object(), false, in_process, [](const ActionSource&) { return make_noop(); }});
    registry.add({"http-request", http_parameters(), false, in_process,
                  [](const ActionSource&) { return make_http_request(); }});
}

}  // namespace packhost::actions
