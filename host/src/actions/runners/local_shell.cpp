// local-shell-cmd and local-shell-script: StackStorm's local runners. A
// command runs under bash -c; a script runs directly (its shebang picks the
// language) with the action's parameters as arguments.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "actions/runners/local_shell.hpp"
#include "actions/runners/process.hpp"

namespace packhost::actions {
namespace {

// The runner parameters every local runner takes; they configure the run and
// are never passed to the script as arguments.
const char* const kRunnerParams[] = {"cmd", "cwd", "env", "kwarg_op", "sudo", "sudo_password", "timeout"};

bool is_runner_param(const std::string& name) {
    return std::find(std::begin(kRunnerParams), std::end(kRunnerParams), name) != std::end(kRunnerParams);
}

bool has_nul(const std::string& s) { return s.find('\0') != std::string::npos; }

// What a process cannot be given as asked: a NUL byte would cut an
// argument or a variable short without a word, and '=' in a name would
// make a different variable. Refused with the parameter it came from.
std::string spec_problem(const Json& params) {
    for (const char* name : {"cmd", "cwd"}) {
        auto it = params.find(name);
        if (it != params.end() && it->is_string() && has_nul(it->get_ref<const std::string&>())) {
            return std::string("parameter '") + name + "' contains a NUL byte, which a process cannot be given";
        }
    }
    if (auto env = params.find("env"); env != params.end() && env->is_object()) {
        for (auto it = env->begin(); it != env->end(); ++it) {
            if (it.key().empty() || it.key().find('=') != std::string::npos || has_nul(it.key())) {
                return "parameter 'env': variable name '" + it.key() +
                       "' is not valid (it may not be empty or hold "
                       "'=' or a NUL byte)";
            }
            if (it.value().is_string() && has_nul(it.value().get_ref<const std::string&>())) {
                return "parameter 'env': the value of '" + it.key() +
                       "' contains a NUL byte, which a process "
                       "cannot be given";
            }
        }
    }
    return "";
}

ProcessSpec base_spec(const Action& action, Invocation& inv) {
    const Json& p = inv.parameters();
    ProcessSpec spec;
    spec.env = current_environment();
    spec.env["ST2_ACTION_PACK_NAME"] = action.pack;
    spec.env["ST2_ACTION_EXECUTION_ID"] = inv.execution_id();
    spec.env["PACKHOST_EXECUTION_ID"] = inv.execution_id();
    if (auto env = p.find("env"); env != p.end() && env->is_object()) {
        for (auto it = env->begin(); it != env->end(); ++it) {
            spec.env[it.key()] = it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
        }
    }
    if (auto cwd = p.find("cwd"); cwd != p.end() && cwd->is_string()) spec.cwd = cwd->get<std::string>();
    return spec;
}

RunOutcome refused(const std::string& why) {
    return {RunOutcome::Kind::failed, Json{{"error", why},
                                           {"succeeded", false},
                                           {"failed", true},
                                           {"return_code", -1},
                                           {"stdout", ""},
                                           {"stderr", ""}}};
}

ProcessLimits limits_of(Invocation& inv) {
    ProcessLimits l;
    const Json& p = inv.parameters();
    if (auto t = p.find("timeout"); t != p.end() && t->is_number() && t->get<double>() > 0) {
        l.timeout = std::chrono::milliseconds(static_cast<int64_t>(t->get<double>() * 1000));
    }
    return l;
}

void maybe_sudo(ProcessSpec& spec, const Json& params) {
    if (auto s = params.find("sudo"); s != params.end() && s->is_boolean() && s->get<bool>()) {
        spec.argv.insert(spec.argv.begin(), {"/usr/bin/sudo", "-E", "--"});
    }
}

// StackStorm's serialisation of a parameter value on a command line.
std::string arg_text(const Json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
    if (v.is_null()) return "";
    if (v.is_array()) {
        std::string out;
        for (const auto& e : v) {
            if (!out.empty()) out += ",";
            out += e.is_string() ? e.get<std::string>() : e.dump();
        }
        return out;
    }
    return v.dump(-1, ' ', false, Json::error_handler_t::replace);
}

class LocalShellCmd final : public Runner {
public:
    RunOutcome run(const Action& action, Invocation& inv) const override {
        const Json& p = inv.parameters();
        auto cmd = p.find("cmd");
        if (cmd == p.end() || !cmd->is_string() || cmd->get<std::string>().empty()) {
            return {RunOutcome::Kind::failed,
                    Json{{"error", "parameter 'cmd' is required by the local-shell-cmd runner"}}};
        }
        if (auto why = spec_problem(p); !why.empty()) return refused(why);
        ProcessSpec spec = base_spec(action, inv);
        spec.argv = {"/bin/bash", "-c", cmd->get<std::string>()};
        maybe_sudo(spec, p);
        return shell_outcome(run_process(spec, inv, limits_of(inv)));
    }
};

class LocalShellScript final : public Runner {
public:
    explicit LocalShellScript(std::filesystem::path script) : script_(std::move(script)) {}

    RunOutcome run(const Action& action, Invocation& inv) const override {
        struct stat st {};
        if (::stat(script_.c_str(), &st) != 0) {
            return {RunOutcome::Kind::failed, Json{{"error", "entry point " + script_.string() + " does not exist"}}};
        }
        if (::access(script_.c_str(), X_OK) != 0) {
            return {RunOutcome::Kind::failed,
                    Json{{"error", "entry point " + script_.string() + " is not executable (chmod +x it)"}}};
        }
        const Json& p = inv.parameters();
        if (auto why = spec_problem(p); !why.empty()) return refused(why);
        std::string kwarg_op = p.value("kwarg_op", std::string("--"));
        ProcessSpec spec = base_spec(action, inv);
        spec.argv = {script_.string()};
        // Positional parameters by `position`, missing ones as "".
        std::vector<std::pair<int, std::string>> positional;
        std::vector<std::string> named;
        for (const auto& row : action.parameters.rows()) {
            if (is_runner_param(row.name)) continue;
            auto it = p.find(row.name);
            if (row.position) {
                positional.emplace_back(*row.position, it == p.end() ? "" : arg_text(*it));
            } else if (it != p.end() && !it->is_null() && !(it->is_string() && it->get<std::string>().empty())) {
                named.push_back(kwarg_op + row.name + "=" + arg_text(*it));
            }
        }
        std::sort(positional.begin(), positional.end());
        int next = 0;
        for (const auto& [pos, text] : positional) {
            while (next < pos) {  // a gap in positions keeps its place
                spec.argv.emplace_back("");
                ++next;
            }
            spec.argv.push_back(text);
            ++next;
        }
        spec.argv.insert(spec.argv.end(), named.begin(), named.end());
        for (size_t i = 1; i < spec.argv.size(); ++i) {
            if (has_nul(spec.argv[i])) {
                return refused("argument " + std::to_string(i) +
                               " of the script contains a NUL byte, which a process "
                               "cannot be given");
            }
        }
        if (spec.cwd.empty()) spec.cwd = script_.parent_path().string();
        maybe_sudo(spec, p);
        return shell_outcome(run_process(spec, inv, limits_of(inv)));
    }

private:
    std::filesystem::path script_;
};

class Noop final : public Runner {
public:
    RunOutcome run(const Action&, Invocation&) const override {
        return {RunOutcome::Kind::succeeded, Json{{"failed", false}, {"succeeded", true}, {"return_code", 0}}};
    }
};

}  // namespace

std::shared_ptr<const Runner> make_local_shell_cmd() { return std::make_shared<LocalShellCmd>(); }
std::shared_ptr<const Runner> make_local_shell_script(const std::filesystem::path& script) {
    return std::make_shared<LocalShellScript>(script);
}
std::shared_ptr<const Runner> make_noop() { return std::make_shared<Noop>(); }

}  // namespace packhost::actions
