#include "store/store.hpp"

namespace packhost::store {

void close_record(ExecutionRecord& r, core::Status status, Json result, int64_t now_us) {
    r.status = status;
    r.end_us = now_us;
    if (!r.log.is_array()) r.log = Json::array();
    r.log.push_back({{"status", core::to_string(status)}, {"timestamp", now_us}});
    r.result = std::move(result);
    r.process.clear();  // nothing of it runs any more
}

}  // namespace packhost::store
