#include "executions/record_view.hpp"

#include "core/clock.hpp"

namespace packhost::executions {

// Keys go straight to the end of the object (each is put once): its
// operator[] looks every key up in what is there first, a fifth of the
// view's cost on a chat reply's cold path.
Json record_view(store::ExecutionRecord&& r, const std::vector<store::OutputRecord>* output) {
    Json j = Json::object();
    auto& o = j.get_ref<Json::object_t&>();
    o.reserve(14);
    auto put = [&o](const char* key, Json value) { o.emplace_back(key, std::move(value)); };
    size_t dot = r.action.find('.');
    put("id", std::move(r.id));
    Json action = Json::object();
    auto& a = action.get_ref<Json::object_t&>();
    a.reserve(4);
    a.emplace_back("ref", r.action);
    a.emplace_back("pack", r.action.substr(0, dot));
    a.emplace_back("name", dot == std::string::npos ? r.action : r.action.substr(dot + 1));
    a.emplace_back("runner_type", r.runner_type);
    put("action", std::move(action));
    put("runner", Json::object({{"name", std::move(r.runner_type)}}));
    put("parameters", std::move(r.parameters));
    put("status", core::to_string(r.status));
    put("result", std::move(r.result));
    put("start_timestamp", core::iso8601(r.start_us));
    if (r.end_us != 0) {
        put("end_timestamp", core::iso8601(r.end_us));
        put("elapsed_seconds", double(r.end_us - r.start_us) / 1e6);
    } else {
        put("end_timestamp", nullptr);
        put("elapsed_seconds", double(core::now_us() - r.start_us) / 1e6);
    }
    put("context", std::move(r.context));
    if (!r.parent.empty()) put("parent", std::move(r.parent));
    auto log = Json::array();
    log.get_ref<Json::array_t&>().reserve(r.log.size());
    for (auto& e : r.log) {
        Json entry = Json::object();
        auto& x = entry.get_ref<Json::object_t&>();
        x.emplace_back("status", std::move(e["status"]));
        x.emplace_back("timestamp", core::iso8601(e["timestamp"].get<int64_t>()));
        log.push_back(std::move(entry));
    }
    put("log", std::move(log));
    if (output && !output->empty()) {
        auto out = Json::array();
        for (const auto& c : *output) out.push_back({{"output_type", c.stream}, {"data", c.data}});
        put("output", std::move(out));
    }
    return j;
}

Json record_view(const store::ExecutionRecord& record, const std::vector<store::OutputRecord>* output) {
    return record_view(store::ExecutionRecord(record), output);
}

}  // namespace packhost::executions
