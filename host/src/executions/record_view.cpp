#include "executions/record_view.hpp"

#include "core/clock.hpp"

namespace packhost::executions {

Json record_view(const store::ExecutionRecord& r, const std::vector<store::OutputRecord>* output) {
    Json j;
    size_t dot = r.action.find('.');
    j["id"] = r.id;
    j["action"] = {{"ref", r.action},
                   {"pack", r.action.substr(0, dot)},
                   {"name", dot == std::string::npos ? r.action : r.action.substr(dot + 1)},
                   {"runner_type", r.runner_type}};
    j["runner"] = {{"name", r.runner_type}};
    j["parameters"] = r.parameters;
    j["status"] = core::to_string(r.status);
    j["result"] = r.result;
    j["start_timestamp"] = core::iso8601(r.start_us);
    if (r.end_us != 0) {
        j["end_timestamp"] = core::iso8601(r.end_us);
        j["elapsed_seconds"] = double(r.end_us - r.start_us) / 1e6;
    } else {
        j["end_timestamp"] = nullptr;
        j["elapsed_seconds"] = double(core::now_us() - r.start_us) / 1e6;
    }
    j["context"] = r.context;
    if (!r.parent.empty()) j["parent"] = r.parent;
    auto log = Json::array();
    for (const auto& e : r.log)
        log.push_back({{"status", e["status"]}, {"timestamp", core::iso8601(e["timestamp"].get<int64_t>())}});
    j["log"] = std::move(log);
    if (output && !output->empty()) {
        auto out = Json::array();
        for (const auto& c : *output) out.push_back({{"output_type", c.stream}, {"data", c.data}});
        j["output"] = std::move(out);
    }
    return j;
}

}  // namespace packhost::executions
