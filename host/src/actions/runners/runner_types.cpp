#include "actions/runners/runner_types.hpp"

#include "actions/runners/http_request.hpp"
#include "actions/runners/local_shell.hpp"
#include "workflows/action_chain/run.hpp"
#include "workflows/definition_runner.hpp"
#include "workflows/orquesta/run.hpp"

namespace packhost::actions {
namespace {

using OrquestaRunner = workflows::DefinitionRunner<workflows::orquesta::Workflow, workflows::orquesta::Run,
                                                   workflows::orquesta::parse>;
using ActionChainRunner = workflows::DefinitionRunner<workflows::action_chain::Chain, workflows::action_chain::Run,
                                                      workflows::action_chain::parse>;


// StackStorm's runner parameters (contrib/runners/*/runner.yaml).
Json local_parameters(bool with_cmd) {
    Json p = Json::object();
    if (with_cmd) p["cmd"] = {{"type", "string"}, {"description", "Arbitrary Linux command to be executed on the local host."}};
    p["cwd"] = {{"type", "string"}, {"description", "Working directory where the command will be executed in"}};
    p["env"] = {{"type", "object"}, {"description", "Environment variables which will be available to the command (e.g. key1=val1,key2=val2)"}};
    p["kwarg_op"] = {{"type", "string"}, {"default", "--"}, {"description", "Operator to use in front of keyword args i.e. \"--\" or \"-\"."}};
    p["sudo"] = {{"type", "boolean"}, {"default", false}, {"description", "The command will be executed with sudo."}};
    p["sudo_password"] = {{"type", "string"}, {"secret", true}, {"description", "Sudo password. To be used when passwordless sudo is not allowed."}};
    p["timeout"] = {{"type", "integer"}, {"default", 60}, {"description", "Action timeout in seconds. Action will get killed if it doesn't finish in timeout seconds."}};
    return p;
}

Json http_parameters() {
    Json p = Json::object();
    p["url"] = {{"type", "string"}, {"required", true}, {"description", "URL to the HTTP endpoint."}};
    p["method"] = {{"type", "string"}, {"default", "GET"},
                   {"enum", {"HEAD", "GET", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH", "PURGE"}},
                   {"description", "HTTP method to use."}};
    p["headers"] = {{"type", "object"}, {"description", "HTTP headers for the request."}};
    p["body"] = {{"type", {"string", "object", "array"}}, {"description", "Body to send (an object or array is sent as JSON)."}};
    p["params"] = {{"type", "object"}, {"description", "Query string parameters."}};
    p["username"] = {{"type", "string"}, {"description", "User name for basic authentication."}};
    p["password"] = {{"type", "string"}, {"secret", true}, {"description", "Password for basic authentication."}};
    p["timeout"] = {{"type", "number"}, {"default", 60}, {"description", "Timeout for the HTTP request, in seconds."}};
    p["verify_ssl_cert"] = {{"type", "boolean"}, {"default", true}, {"description", "Verify the server's certificate."}};
    p["allow_redirects"] = {{"type", "boolean"}, {"default", false}, {"description", "Follow redirects (at most 10)."}};
    return p;
}

const std::vector<RunnerType>& types() {
    static const std::vector<RunnerType> t = {
        {"local-shell-cmd", local_parameters(true), false, [](const ActionSource&) { return make_local_shell_cmd(); }},
        {"local-shell-script", local_parameters(false), true,
         [](const ActionSource& s) { return make_local_shell_script(s.entry_point); }},
        {"noop", Json::object(), false, [](const ActionSource&) { return make_noop(); }},
        {"http-request", http_parameters(), false, [](const ActionSource&) { return make_http_request(); }},
        // Workflows: the definition is parsed and checked when the pack loads.
        {"orquesta", Json::object(), true,
         [](const ActionSource& s) -> std::shared_ptr<const Runner> {
             return std::make_shared<OrquestaRunner>(s.entry_point);
         }},
        {"action-chain", Json::object(), true,
         [](const ActionSource& s) -> std::shared_ptr<const Runner> {
             return std::make_shared<ActionChainRunner>(s.entry_point);
         }},
    };
    return t;
}

}  // namespace

bool is_workflow_runner_type(const std::string& name) { return name == "orquesta" || name == "action-chain"; }

const RunnerType* find_runner_type(const std::string& name) {
    for (const auto& t : types()) {
        if (t.name == name) return &t;
    }
    return nullptr;
}

std::vector<std::string> runner_type_names() {
    std::vector<std::string> out;
    for (const auto& t : types()) out.push_back(t.name);
    return out;
}

}  // namespace packhost::actions
