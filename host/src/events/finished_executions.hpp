#pragma once
// A Store that calls back once for each execution whose record is saved
// finished (succeeded, failed, timed out, canceled, abandoned): where
// core.st2.generic.actiontrigger comes from. Every execution's end passes
// through the store, so none is missed; the callback runs on the thread
// that saved the record and must not wait on the store. `wanted` is asked
// first, on every finished save: while it says no (no rule listens) the
// execution path pays one call and nothing is remembered.
#include <functional>
#include <memory>

#include "store/store.hpp"

namespace packhost::events {

std::unique_ptr<store::Store> watch_finished_executions(std::unique_ptr<store::Store> inner,
                                                        std::function<bool()> wanted,
                                                        std::function<void(const store::ExecutionRecord&)> on_finished);

}  // namespace packhost::events
