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
    Json runner = Json::object();
    runner.get_ref<Json::object_t&>().emplace_back("name", std::move(r.runner_type));
    put("runner", std::move(runner));
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
    // Each stored entry is {status, timestamp in µs}: the time is rewritten
    // in place, so the entries keep their order and are not rebuilt.
    for (auto& e : r.log) {
        if (auto t = e.find("timestamp"); t != e.end() && t->is_number_integer()) *t = core::iso8601(t->get<int64_t>());
    }
    put("log", r.log.is_array() ? std::move(r.log) : Json::array());
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
