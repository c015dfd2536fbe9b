#include "chatops/chat_core.hpp"

#include <utility>

#include "chatops/aliases/alias_parameters.hpp"
#include "chatops/help_text.hpp"
#include "core/errors.hpp"
#include "core/json_text.hpp"
#include "core/log.hpp"
#include "events/event_bus.hpp"
#include "expr/context.hpp"
#include "host.hpp"
#include "workflows/expressions.hpp"

namespace packhost::chatops {
namespace {

// The announcements chat posts (chatops.post_message's route).
const std::string kChatRoute = "st2.announcement__chatops";

// Jobs a caller runs after its own before leaving the rest to the core's
// thread (it is an adapter's thread, with its own work).
constexpr int kDrainedByCaller = 4;

// The core whose job this thread is running (nullptr: none). An execution
// that ends on such a thread is a quick one started by that job (the
// others end on workers): see run_command.
thread_local const ChatCore* running_here = nullptr;

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    size_t e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

bool starts_with_nocase(const std::string& s, const std::string& head) {
    if (s.size() < head.size()) return false;
    for (size_t i = 0; i < head.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(head[i])))
            return false;
    }
    return true;
}

std::string joined(const std::vector<std::string>& problems) {
    std::string out;
    for (const auto& p : problems) out += (out.empty() ? "" : "; ") + p;
    return out;
}

// StackStorm's "{~}" in a result or a posted message: what comes before it
// is the pretext (hubot-stackstorm puts it above a Slack attachment that
// holds the rest); shown as hubot's other adapters show it, the pretext and
// the text on lines of their own. Only the first two parts count, as there.
std::string joined_pretext(const std::string& message) {
    static constexpr std::string_view kDelimiter = "{~}";
    size_t first = message.find(kDelimiter);
    if (first == std::string::npos) return message;
    std::string pretext = message.substr(0, first);
    size_t from = first + kDelimiter.size();
    std::string text = message.substr(from, message.find(kDelimiter, from) - from);
    if (pretext.empty()) return text;
    return text.empty() ? pretext : pretext + "\n" + text;
}

// What an execution's result says when the alias gives no result.format.
std::string default_result(const Json& view) {
    const Json& result = view.contains("result") ? view["result"] : Json();
    std::string status = view.value("status", "");
    std::string action = view.contains("action") ? view["action"].value("ref", "") : "";
    auto text_of = [](const Json& r) -> std::string {
        if (r.is_string()) return r.get<std::string>();
        if (r.is_object()) {
            for (const char* key : {"stdout", "message", "result"}) {
                if (auto it = r.find(key);
                    it != r.end() && it->is_string() && !it->get_ref<const std::string&>().empty())
                    return it->get<std::string>();
            }
        }
        return r.is_null() ? std::string() : r.dump(2);
    };
    if (status == "succeeded") {
        std::string text = text_of(result);
        return text.empty() ? "`" + action + "` succeeded." : text;
    }
    std::string why;
    if (result.is_object()) {
        for (const char* key : {"error", "stderr"}) {
            if (auto it = result.find(key);
                it != result.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
                why = it->get<std::string>();
                break;
            }
        }
    }
    if (why.empty()) why = text_of(result);
    return "`" + action + "` " + status + (why.empty() ? "." : ": " + why);
}

// Cut at a character boundary, with the pointer to the whole result.
std::string cut(std::string text, size_t max_chars, const std::string& id) {
    size_t chars = 0;
    size_t at = 0;
    while (at < text.size() && chars < max_chars) {
        ++at;
        while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) ++at;
        ++chars;
    }
    if (at >= text.size()) return text;
    size_t total = chars;
    for (size_t i = at; i < text.size(); ++i) total += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    text.resize(at);
    return text + "\n… cut at " + std::to_string(max_chars) + " of " + std::to_string(total) +
           " characters: `packhost execution get " + id + "` shows it all";
}

}  // namespace

ChatCore::ChatCore(Host& host, aliases::AliasIndex aliases, ChatOptions options)
    : host_(host), aliases_(std::move(aliases)), options_(std::move(options)) {
    alive_->core = this;
    thread_ = std::thread([this] { loop(); });
    if (auto* bus = host_.events()) {
        // Called under the bus's lock: the payload is only queued here.
        announcements_ = bus->subscribe([this](const events::EventPtr& e) {
            if (e->type == kChatRoute) enqueue({std::nullopt, std::nullopt, e->data()});
            return true;
        });
    }
}

ChatCore::~ChatCore() {
    // Returns once no sink runs: nothing is queued after this.
    if (announcements_ != 0) host_.events()->unsubscribe(announcements_);
    {
        std::unique_lock lock(alive_->mu);
        alive_->core = nullptr;
        alive_->cv.wait(lock, [this] { return alive_->handing_over == 0; });
    }
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void ChatCore::add_adapter(Adapter& adapter) {
    std::lock_guard lock(mu_);
    adapters_[adapter.name()] = &adapter;
}

void ChatCore::receive(Message message) { dispatch({std::move(message), std::nullopt, std::nullopt}); }

// Always for the core's thread: the caller holds a lock of its own.
void ChatCore::enqueue(Job job) {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    jobs_.push_back(std::move(job));
    if (!busy_) cv_.notify_one();  // else whoever is busy takes it when done
}

// One job at a time, in order: on the caller's thread when nothing else is
// queued or running (no thread hop on either side of an execution), else
// queued for whoever runs jobs now. The caller also runs a few of the jobs
// that came while it ran its own (the end of a quick execution it started,
// mostly), so that a reply needs no other thread to wake.
void ChatCore::dispatch(Job job) {
    std::unique_lock lock(mu_);
    if (stopping_) return;
    if (busy_ || !jobs_.empty()) {
        jobs_.push_back(std::move(job));
        if (!busy_) cv_.notify_one();
        return;
    }
    busy_ = true;
    lock.unlock();
    run(job);
    lock.lock();
    for (int i = 0; i < kDrainedByCaller && !jobs_.empty() && !stopping_; ++i) {
        Job next = std::move(jobs_.front());
        jobs_.pop_front();
        lock.unlock();
        run(next);
        lock.lock();
    }
    busy_ = false;
    settle();
}

// Under mu_, when busy_ has just been cleared.
void ChatCore::settle() {
    if (!jobs_.empty()) {
        cv_.notify_one();  // the core's thread takes the rest
    } else if (idle_waiters_ != 0) {
        idle_cv_.notify_all();
    }
}

void ChatCore::run(Job& job) {
    struct Running {
        const ChatCore* outer;
        explicit Running(const ChatCore* core) : outer(std::exchange(running_here, core)) {}
        ~Running() { running_here = outer; }
    } running(this);
    try {
        if (job.message) {
            handle(*job.message);
        } else if (job.finished) {
            finished(*job.finished);
        } else if (job.announcement) {
            announce(*job.announcement);
        }
    } catch (const std::exception& e) {
        core::log::error("chat: {}", e.what());
    }
}

bool ChatCore::wait_idle(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    ++idle_waiters_;
    bool idle = idle_cv_.wait_for(lock, timeout, [this] { return jobs_.empty() && !busy_ && outstanding_ == 0; });
    --idle_waiters_;
    return idle;
}

void ChatCore::loop() {
    std::unique_lock lock(mu_);
    while (true) {
        cv_.wait(lock, [this] { return stopping_ || (!jobs_.empty() && !busy_); });
        if (stopping_) return;
        Job job = std::move(jobs_.front());
        jobs_.pop_front();
        busy_ = true;
        lock.unlock();
        run(job);
        lock.lock();
        busy_ = false;
        if (jobs_.empty() && idle_waiters_ != 0) idle_cv_.notify_all();
    }
}

std::optional<std::string> ChatCore::command_of(const Message& m) const {
    std::string text = trim(m.text);
    if (!options_.prefix.empty() && text.rfind(options_.prefix, 0) == 0)
        return trim(text.substr(options_.prefix.size()));
    if (m.addressed) return text;
    // Addressed by name: "packhost: …", "@packhost …", "packhost, …".
    if (!text.empty() && text[0] == '@') text.erase(0, 1);
    const std::string& name = options_.bot_name;
    if (!name.empty() && starts_with_nocase(text, name) && text.size() > name.size()) {
        char after = text[name.size()];
        if (after == ':' || after == ',' || after == ' ' || after == '\t') return trim(text.substr(name.size() + 1));
    }
    return std::nullopt;
}

void ChatCore::post(const std::string& adapter, const std::string& channel, const std::string& thread, std::string text,
                    Json extra) {
    Adapter* a = nullptr;
    {
        std::lock_guard lock(mu_);
        if (auto it = adapters_.find(adapter); it != adapters_.end()) a = it->second;
    }
    if (!a) {
        core::log::warn("chat: no adapter '{}' to post to {}", adapter, channel);
        return;
    }
    a->post({channel, thread, std::move(text), std::move(extra)});
}

// chatops.post_message's parameters, as StackStorm's hubot reads them:
// `user` addresses someone in the channel ("user: message"), or with
// `whisper` is where the message goes instead. packhost adds `adapter`
// (empty: every adapter) and a thread from `context.thread`.
void ChatCore::announce(const std::string& payload) {
    Json p = core::parse_json(payload, "announcement");
    std::string channel = p.value("channel", std::string());
    std::string message = p.value("message", std::string());
    std::string adapter = p.value("adapter", std::string());
    std::string user = p.contains("user") && p["user"].is_string() ? p["user"].get<std::string>() : "";
    std::string thread;
    if (auto c = p.find("context"); c != p.end() && c->is_object()) thread = c->value("thread", std::string());
    if (!user.empty()) {
        if (p.value("whisper", false)) {
            channel = user;
            thread.clear();
        } else {
            message = user + ": " + message;
        }
    }
    if (channel.empty()) {
        core::log::warn("chat: an announcement without a channel was not posted");
        return;
    }
    message = joined_pretext(message);
    Json extra = p.contains("extra") && p["extra"].is_object() ? p["extra"] : Json();
    if (!adapter.empty()) return post(adapter, channel, thread, std::move(message), std::move(extra));
    std::vector<std::string> names;
    {
        std::lock_guard lock(mu_);
        for (const auto& [name, a] : adapters_) names.push_back(name);
    }
    for (const auto& name : names) post(name, channel, thread, message, extra);
}

bool ChatCore::is_command(const Message& m) const {
    if (m.text.size() <= options_.max_message_bytes) return command_of(m).has_value();
    return command_of(Message{m.adapter, m.user, m.channel, m.thread, m.text.substr(0, 256), m.addressed}).has_value();
}

void ChatCore::handle(const Message& m) {
    auto reply = [&](std::string text) { post(m.adapter, m.channel, m.thread, std::move(text)); };
    if (m.text.size() > options_.max_message_bytes) {
        if (is_command(m)) {
            reply("That message is " + std::to_string(m.text.size()) + " bytes; I read at most " +
                  std::to_string(options_.max_message_bytes) + ".");
        }
        return;
    }
    auto command = command_of(m);
    if (!command) return;
    if (*command == "help" || command->rfind("help ", 0) == 0) {
        reply(help_text(aliases_, options_.prefix, trim(command->substr(4))));
        return;
    }
    run_command(m, *command);
}

void ChatCore::run_command(const Message& m, const std::string& text) {
    auto reply = [&](std::string out) { post(m.adapter, m.channel, m.thread, std::move(out)); };
    aliases::FormatParser::Command command;
    aliases::AliasMatch match;
    try {
        command = aliases::FormatParser::prepare(text);
        match = aliases_.match(command);
    } catch (const std::invalid_argument&) {
        reply("I can only read UTF-8 text.");
        return;
    } catch (const core::PythonRegex::TooCostly&) {
        reply("That message is too complex for me to match.");
        return;
    } catch (const aliases::AmbiguousCommand& e) {
        if (e.matches.empty()) {
            auto near = closest_display(aliases_, text);
            reply("Sorry, I don't know \"" + text + "\"." +
                  (near ? " Did you mean \"" + options_.prefix + *near + "\"?" : std::string()) + " " +
                  options_.prefix + "help lists what I can do.");
        } else {
            std::string which;
            for (const auto& c : e.matches) which += (which.empty() ? "" : ", ") + c.alias->ref();
            reply(std::string(e.what()) + ": " + which);
        }
        return;
    }
    const auto& alias = *match.alias;
    if (!options_.access.allows(m.user, m.channel, alias.ref())) {
        reply("Sorry " + m.user + ", you may not run " + alias.ref() + (m.channel.empty() ? "" : " in " + m.channel) +
              ".");
        return;
    }
    auto action = host_.registry().find(alias.action_ref);
    if (!action) {
        reply("Alias " + alias.ref() + " runs " + alias.action_ref + ", which is not registered here.");
        return;
    }
    Json context = Json::object();
    context["action_alias_ref"] = alias.ref();
    context["api_user"] = m.user;
    context["source_channel"] = m.channel;
    context["chatops"] = {{"adapter", m.adapter}, {"user", m.user}, {"channel", m.channel}, {"thread", m.thread}};
    std::vector<Json> sets;
    try {
        aliases::ImmutableScope scope;
        scope.context = context;
        // Only immutable parameters render templates: the datastore is not
        // looked at for the many aliases without them.
        if (auto* kv = host_.datastore(); kv && !alias.immutable_parameters.empty()) {
            scope.st2kv = kv->template_object(m.user);
        }
        sets = aliases::alias_parameters(match, command, &action->parameters, scope, templates_);
    } catch (const core::ValidationError& e) {
        reply("Sorry, " + joined(e.problems()));
        return;
    } catch (const aliases::FormatMismatch& e) {
        reply(std::string("Sorry, ") + e.what());
        return;
    }
    for (auto& parameters : sets) {
        executions::Request request;
        request.action = alias.action_ref;
        request.parameters = std::move(parameters);
        request.context = context;
        request.inline_if_quick = true;
        // Not durable: the reply waits for no commit (the record is still
        // saved); the end comes straight from the execution, on its thread.
        // A quick run's end comes nested in start() below, on this thread
        // (running_here), and is answered right there, before its records
        // are saved, unless an ack, posted once start() returns, must go
        // first: then the end waits in the queue, and dispatch() runs it
        // after this job.
        Waiting to{m.adapter, m.channel, m.thread, alias.ref()};
        bool answer_nested = !alias.ack_enabled();
        request.on_end = [alive = alive_, to, answer_nested](const executions::Execution& e) {
            ChatCore* core;
            {
                std::lock_guard lock(alive->mu);
                core = alive->core;
                if (!core) return;
                ++alive->handing_over;
            }
            if (answer_nested && running_here == core) {
                Job end{std::nullopt, Finished{to, e.id(), e.to_json()}, std::nullopt};
                core->run(end);
            } else {
                core->dispatch({std::nullopt, Finished{to, e.id(), e.to_json()}, std::nullopt});
            }
            std::lock_guard lock(alive->mu);
            if (--alive->handing_over == 0) alive->cv.notify_all();
        };
        std::shared_ptr<executions::Execution> execution;
        {
            std::lock_guard lock(mu_);
            ++outstanding_;
        }
        try {
            execution = host_.control().start(std::move(request));
        } catch (const core::ValidationError& e) {
            reply("Sorry, " + joined(e.problems()));
        } catch (const std::exception& e) {
            reply(std::string("Sorry, it could not start: ") + e.what());
        }
        if (!execution) {
            std::lock_guard lock(mu_);
            --outstanding_;
        }
        if (!execution || !alias.ack_enabled()) continue;
        std::string ack = "On it: " + alias.ref() + " is execution " + execution->id() + ".";
        if (alias.ack.contains("format")) {
            Json vars = Json::object();
            vars["execution"] = execution->to_json();
            vars["actionalias"] = alias.to_json();
            try {
                ack = templates_.get(alias.ack["format"].get_ref<const std::string&>())->render(expr::Context(vars));
            } catch (const std::exception& e) {
                ack = "(ack template of " + alias.ref() + ": " + e.what() + ")";
            }
        }
        reply(std::move(ack));
    }
}

void ChatCore::finished(Finished& f) {
    {
        std::lock_guard lock(mu_);
        --outstanding_;
    }
    const auto* alias = aliases_.find(f.to.alias_ref);
    if (alias && !alias->result_enabled()) return;
    Json vars = Json::object();
    vars["execution"] = std::move(f.execution);
    std::string text;
    if (alias && alias->result.contains("format")) {
        try {
            text = templates_.get(alias->result["format"].get_ref<const std::string&>())->render(expr::Context(vars));
        } catch (const std::exception& e) {
            text = "(result template of " + alias->ref() + ": " + e.what() + ")\n" + default_result(vars["execution"]);
        }
    } else {
        text = default_result(vars["execution"]);
    }
    // result.extra (Slack's attachments, say), its strings rendered as the
    // format is (StackStorm's chatops.format_execution_result).
    Json extra;
    if (alias && alias->result.contains("extra") && alias->result["extra"].is_object()) {
        try {
            extra = workflows::render_tree(alias->result["extra"], expr::Context(vars), templates_);
        } catch (const std::exception& e) {
            core::log::warn("chat: result.extra of {}: {}", alias->ref(), e.what());
        }
    }
    post(f.to.adapter, f.to.channel, f.to.thread, cut(joined_pretext(text), options_.max_result_chars, f.id),
         std::move(extra));
}

}  // namespace packhost::chatops
