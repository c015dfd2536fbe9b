#include "cli/settings.hpp"

#include <cstdlib>

#include "core/clock.hpp"
#include "core/edit_distance.hpp"
#include "core/errors.hpp"
#include "core/yaml_file.hpp"
#include "workflows/definition_file.hpp"

namespace packhost::cli {
namespace {

using T = SettingType;

const SettingSpec* find_spec(const std::string& key) {
    for (const auto& s : setting_specs()) {
        if (key == s.key) return &s;
    }
    return nullptr;
}

// The secret_map a key like "webhooks.github.secret" belongs to, or the
// list_map of one like "chatops.allow.users.alice".
const SettingSpec* map_spec_of(const std::string& key) {
    for (const auto& s : setting_specs()) {
        if (s.type == T::list_map) {
            std::string prefix = std::string(s.key) + ".";
            if (key.rfind(prefix, 0) == 0 && key.size() > prefix.size()) return &s;
            continue;
        }
        if (s.type != T::secret_map) continue;
        std::string prefix = std::string(s.key) + ".";
        if (key.rfind(prefix, 0) == 0 && key.size() > prefix.size() + 7 &&
            key.compare(key.size() - 7, 7, ".secret") == 0) {
            return &s;
        }
    }
    return nullptr;
}

// Empty when `text` fits the type; else what was expected.
std::string type_problem(const SettingSpec& s, const std::string& text) {
    switch (s.type) {
    case T::whole_number: {
        char* end = nullptr;
        errno = 0;
        long long n = std::strtoll(text.c_str(), &end, 10);
        if (text.empty() || *end != '\0' || errno == ERANGE || n < 0) return "a whole number, 0 or more";
        return "";
    }
    case T::boolean: return text == "true" || text == "false" ? "" : "true or false";
    case T::duration: return core::parse_duration_seconds(text) ? "" : "a duration such as 90s, 30m, 12h or 30d";
    case T::choice: {
        std::string choices = s.choices;
        size_t at = 0;
        while (at <= choices.size()) {
            size_t bar = choices.find('|', at);
            if (bar == std::string::npos) bar = choices.size();
            if (choices.compare(at, bar - at, text) == 0 && bar - at == text.size()) return "";
            at = bar + 1;
        }
        return "one of " + choices;
    }
    case T::text:
    case T::secret_text:
    case T::secret_map:
    case T::list_map: return "";
    }
    return "";
}

// Closest known key, for "did you mean".
std::string closest_key(const std::string& key) {
    std::string best;
    size_t best_d = 4;
    for (const auto& s : setting_specs()) {
        size_t d = core::edit_distance(key, s.key);
        if (d < best_d) best_d = d, best = s.key;
    }
    return best;
}

void flatten(const YAML::Node& node, const std::string& prefix, const std::string& file,
             std::map<std::string, SettingValue>& out, std::vector<std::string>& problems) {
    for (const auto& kv : node) {
        std::string name = kv.first.Scalar();
        std::string key = prefix.empty() ? name : prefix + "." + name;
        const YAML::Node& v = kv.second;
        std::string where = file + ":" + std::to_string(kv.first.Mark().line + 1);
        if (v.IsMap()) {
            flatten(v, key, file, out, problems);
            continue;
        }
        const SettingSpec* spec = find_spec(key);
        if (!spec) spec = map_spec_of(key);
        bool is_map = spec && (spec->type == T::secret_map || spec->type == T::list_map);
        if (!spec || (is_map && key == spec->key)) {
            std::string hint = closest_key(key);
            problems.push_back(where + ": unknown key '" + key + "'" +
                               (hint.empty() ? std::string() : " (did you mean '" + hint + "'?)"));
            continue;
        }
        if (spec->type == T::list_map && v.IsSequence()) {
            std::string joined;
            bool scalars = true;
            for (const auto& item : v) {
                if (!item.IsScalar()) scalars = false;
                if (scalars) joined += (joined.empty() ? "" : ",") + item.Scalar();
            }
            if (!scalars) {
                problems.push_back(where + ": " + key + ": expected a list of names");
                continue;
            }
            out[key] = {joined, where};
            continue;
        }
        if (!v.IsScalar()) {
            problems.push_back(where + ": " + key + ": expected a single value, not a list");
            continue;
        }
        std::string text = v.Scalar();
        if (auto why = type_problem(*spec, text); !why.empty()) {
            problems.push_back(where + ": " + key + ": expected " + why + ", got '" + text + "'");
            continue;
        }
        out[key] = {text, where};
    }
}

}  // namespace

const std::vector<SettingSpec>& setting_specs() {
    static const std::vector<SettingSpec> specs = {
        {"packs.path", "--packs-path", "PACKHOST_PACKS_PATH", T::text, "",
         "Colon-separated directories holding packs (default: the bundled packs)"},
        {"store.file", "--store", "PACKHOST_STORE", T::text, "", "The SQLite store (default: <home>/packhost.db)"},
        {"secrets.key_file", "--key-file", "PACKHOST_KEY_FILE", T::text, "",
         "The key secrets are encrypted with (default: <home>/keys/packhost.key)"},
        {"executions.retention", "--retention", "PACKHOST_RETENTION", T::duration, "",
         "Purge finished executions and trigger instances older than this at start (default: keep all)"},
        {"executions.workers", "--workers", "PACKHOST_WORKERS", T::whole_number, "0",
         "Worker threads for executions (0: one per CPU)"},
        {"executions.output_cap", "--output-cap", "PACKHOST_OUTPUT_CAP", T::whole_number, "4194304",
         "Bytes of each output stream a script's result keeps"},
        {"workflows.max_tasks", "--workflow-max-tasks", "PACKHOST_WORKFLOW_MAX_TASKS", T::whole_number, "50000",
         "Task runs one workflow may make before it is failed"},
        {"workflows.max_state_mib", "--workflow-max-state", "PACKHOST_WORKFLOW_MAX_STATE", T::whole_number, "256",
         "MiB of state one workflow may record before it is failed"},
        {"log.level", "--log-level", "PACKHOST_LOG_LEVEL", T::choice, "warn", "Least severe log lines shown",
         "trace|debug|info|warn|error|critical|off"},
        {"log.format", "--log-format", "PACKHOST_LOG_FORMAT", T::choice, "text", "Log lines as text or JSON",
         "text|json"},
        {"api.bind", "--bind", "PACKHOST_BIND", T::text, "127.0.0.1:9101", "serve: ADDRESS:PORT of the HTTP API"},
        {"api.no_auth", "--no-auth", "PACKHOST_NO_AUTH", T::boolean, "false",
         "serve: accept requests without credentials (loopback addresses only)"},
        {"api.threads", "--http-threads", "PACKHOST_HTTP_THREADS", T::whole_number, "2",
         "serve: I/O threads of the HTTP server"},
        {"api.max_body_bytes", "--max-body-bytes", "PACKHOST_MAX_BODY_BYTES", T::whole_number, "1048576",
         "serve: largest request body accepted (413 above)"},
        {"api.request_timeout", "", "PACKHOST_REQUEST_TIMEOUT", T::duration, "10s",
         "serve: time a request has to arrive whole"},
        {"api.max_unfinished", "", "PACKHOST_MAX_UNFINISHED", T::whole_number, "10000",
         "serve: executions accepted and unfinished before new ones get 429"},
        {"stream.max_buffered_bytes", "", "PACKHOST_STREAM_MAX_BUFFERED", T::whole_number, "1048576",
         "serve: bytes an event-stream reader may fall behind before it is cut off"},
        {"stream.ring_events", "", "PACKHOST_STREAM_RING_EVENTS", T::whole_number, "4096",
         "serve: events kept in memory for readers that reconnect"},
        {"stream.ring_bytes", "", "PACKHOST_STREAM_RING_BYTES", T::whole_number, "67108864",
         "serve: at most this much memory for the kept events (the newest is always kept)"},
        {"serve.drain_seconds", "--drain-seconds", "PACKHOST_DRAIN_SECONDS", T::whole_number, "30",
         "serve: on stop, how long running executions may take to finish"},
        {"client.url", "--url", "PACKHOST_URL", T::text, "",
         "Talk to this packhost serve (http://host:port) instead of opening the store"},
        {"client.api_key", "--api-key", "PACKHOST_API_KEY", T::secret_text, "", "The API key sent with --url"},
        {"chatops.prefix", "", "PACKHOST_CHAT_PREFIX", T::text, "!",
         "chat: what a message starts with to be a command"},
        {"chatops.bot_name", "", "PACKHOST_CHAT_BOT_NAME", T::text, "packhost",
         "chat: the name that also addresses the bot (\"packhost: help\")"},
        {"chatops.max_result_chars", "", "PACKHOST_CHAT_MAX_RESULT_CHARS", T::whole_number, "2000",
         "chat: longer results are cut, with `packhost execution get ID` as the pointer"},
        {"chatops.max_message_bytes", "", "PACKHOST_CHAT_MAX_MESSAGE_BYTES", T::whole_number, "16384",
         "chat: longer messages are refused"},
        {"chatops.deny_by_default", "", "PACKHOST_CHAT_DENY_BY_DEFAULT", T::boolean, "false",
         "chat: users and channels without an allow list may run nothing"},
        {"chatops.allow.users", "", "", T::list_map, "",
         "chat: chatops.allow.users.NAME: the alias refs (or *) that user may run anywhere"},
        {"chatops.allow.channels", "", "", T::list_map, "",
         "chat: chatops.allow.channels.CHANNEL: the alias refs (or *) anyone may run there"},
        {"chatops.irc.server", "", "PACKHOST_IRC_SERVER", T::text, "",
         "serve: the IRC server to join, HOST or HOST:PORT (turns the IRC adapter on)"},
        {"chatops.irc.port", "", "", T::whole_number, "6667", "serve: the IRC server's port when the server has none"},
        {"chatops.irc.tls", "", "", T::boolean, "false", "serve: connect to IRC over TLS (the certificate is checked)"},
        {"chatops.irc.ca_file", "", "", T::text, "",
         "serve: PEM file of the CAs an IRC server's certificate is checked against (default: the system's)"},
        {"chatops.irc.verify_tls", "", "", T::boolean, "true",
         "serve: check the IRC server's certificate and name (false: any certificate; for tests only)"},
        {"chatops.irc.nick", "", "PACKHOST_IRC_NICK", T::text, "packhost",
         "serve: the bot's IRC nick (nick_, nick_2, ... when taken)"},
        {"chatops.irc.channels", "", "PACKHOST_IRC_CHANNELS", T::text, "",
         "serve: IRC channels to join, comma-separated"},
        {"chatops.irc.password", "", "", T::secret_text, "", "serve: the IRC server's password (PASS)"},
        {"chatops.irc.burst", "", "", T::whole_number, "5", "serve: IRC lines the bot may send at once"},
        {"chatops.irc.lines_per_second", "", "PACKHOST_IRC_LINES_PER_SECOND", T::whole_number, "2",
         "serve: IRC lines per second after the burst (flood control)"},
        {"chatops.slack.signing_secret", "", "PACKHOST_SLACK_SIGNING_SECRET", T::secret_text, "",
         "serve: the Slack app's signing secret (turns on POST /chatops/slack/events)"},
        {"chatops.slack.bot_token", "", "PACKHOST_SLACK_BOT_TOKEN", T::secret_text, "",
         "serve: the Slack bot token replies are posted with (chat.postMessage)"},
        {"chatops.slack.api_url", "", "PACKHOST_SLACK_API_URL", T::text, "https://slack.com/api",
         "serve: the base URL of Slack's Web API"},
        {"webhooks", "", "", T::secret_map, "",
         "serve: webhooks that must be signed (X-Hub-Signature-256): webhooks.NAME.secret"},
    };
    return specs;
}

Settings Settings::load(const std::filesystem::path& file, bool must_exist) {
    Settings s;
    s.file_ = file;
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
        if (must_exist) throw core::ValidationError(file.string() + ": the configuration file does not exist");
        return s;
    }
    YAML::Node root;
    try {
        root = core::load_yaml_file(file);
    } catch (const core::YamlFileError& e) {
        throw core::ValidationError(file.string() + (e.line() ? ":" + std::to_string(e.line()) : "") + ": " + e.what());
    }
    if (root.IsNull()) return s;
    if (!root.IsMap()) throw core::ValidationError(file.string() + ":1: the configuration must be a mapping of keys");
    std::vector<std::string> problems;
    flatten(root, "", file.string(), s.from_file_, problems);
    if (!problems.empty()) throw core::ValidationError(problems);
    return s;
}

void Settings::set_flag(const std::string& key, const std::string& value) {
    if (!value.empty()) from_flags_[key] = value;
}

std::optional<SettingValue> Settings::get(const std::string& key) const {
    const SettingSpec* spec = find_spec(key);
    if (!spec) throw std::logic_error("no setting '" + key + "'");
    if (auto f = from_flags_.find(key); f != from_flags_.end()) {
        if (auto why = type_problem(*spec, f->second); !why.empty()) {
            throw core::ValidationError(std::string(spec->flag) + ": expected " + why + ", got '" + f->second + "'");
        }
        return SettingValue{f->second, std::string("flag ") + spec->flag};
    }
    if (*spec->env) {
        if (const char* v = std::getenv(spec->env); v && *v) {
            if (auto why = type_problem(*spec, v); !why.empty()) {
                throw core::ValidationError(std::string(spec->env) + ": expected " + why + ", got '" + v + "'");
            }
            return SettingValue{v, std::string("env ") + spec->env};
        }
    }
    if (auto f = from_file_.find(key); f != from_file_.end()) return f->second;
    if (*spec->fallback) return SettingValue{spec->fallback, "default"};
    return std::nullopt;
}

std::string Settings::text(const std::string& key) const {
    auto v = get(key);
    return v ? v->text : "";
}

int64_t Settings::number(const std::string& key) const {
    auto v = get(key);
    if (!v) return 0;
    if (find_spec(key)->type == T::duration) return core::parse_duration_seconds(v->text).value_or(0);
    return std::strtoll(v->text.c_str(), nullptr, 10);
}

bool Settings::flag(const std::string& key) const { return text(key) == "true"; }

std::map<std::string, std::string> Settings::secrets(const std::string& prefix) const {
    std::map<std::string, std::string> out;
    std::string start = prefix + ".";
    for (const auto& [key, value] : from_file_) {
        if (key.rfind(start, 0) != 0) continue;
        out[key.substr(start.size(), key.size() - start.size() - 7)] = value.text;
    }
    return out;
}

std::map<std::string, std::vector<std::string>> Settings::lists(const std::string& prefix) const {
    std::map<std::string, std::vector<std::string>> out;
    std::string start = prefix + ".";
    for (const auto& [key, value] : from_file_) {
        if (key.rfind(start, 0) != 0) continue;
        out[key.substr(start.size())] = workflows::split_names(value.text);
    }
    return out;
}

Json Settings::show() const {
    Json out = Json::object();
    for (const auto& spec : setting_specs()) {
        if (spec.type == T::list_map) {
            for (const auto& [name, items] : lists(spec.key)) {
                std::string key = std::string(spec.key) + "." + name;
                out[key] = {{"value", items}, {"source", from_file_.at(key).source}};
            }
            continue;
        }
        if (spec.type == T::secret_map) {
            for (const auto& [name, _] : secrets(spec.key)) {
                std::string key = std::string(spec.key) + "." + name + ".secret";
                out[key] = {{"value", "********"}, {"source", from_file_.at(key).source}};
            }
            continue;
        }
        auto v = get(spec.key);
        if (v && spec.type == T::secret_text) v->text = "********";
        out[spec.key] =
            v ? Json{{"value", v->text}, {"source", v->source}} : Json{{"value", nullptr}, {"source", "unset"}};
    }
    return out;
}

}  // namespace packhost::cli
