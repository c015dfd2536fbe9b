#pragma once
// An execution as packhost shows it (StackStorm's field names), from its
// stored record: one shape for `run --json`, `execution get` and the API.
#include <vector>

#include "core/json_value.hpp"
#include "store/store.hpp"

namespace packhost::executions {

Json record_view(const store::ExecutionRecord& record, const std::vector<store::OutputRecord>* output = nullptr);
// The same from a record no longer needed: its JSON trees are moved, not copied.
Json record_view(store::ExecutionRecord&& record, const std::vector<store::OutputRecord>* output = nullptr);

}  // namespace packhost::executions
