#pragma once
// Executions by id, in memory: every live one plus the most recent finished
// ones (a bounded window, so a long-running host does not grow without end).
#include <atomic>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace packhost::executions {

class Execution;

class History {
public:
    explicit History(size_t keep_finished) : keep_finished_(keep_finished) {}

    void add(const std::shared_ptr<Execution>& e);
    std::shared_ptr<Execution> find(const std::string& id) const;
    // Newest first.
    std::vector<std::shared_ptr<Execution>> recent(size_t limit) const;
    // Top-level executions not finished yet (a workflow's tasks end with it):
    // counted as they are added and closed, so asking costs nothing.
    size_t unfinished_top_level() const { return open_top_level_.load(std::memory_order_relaxed); }
    // Called once by whoever closes an execution added here.
    void closed(const Execution& e);
    std::vector<std::shared_ptr<Execution>> unfinished_top_level_list() const;

private:
    void trim();

    mutable std::mutex mu_;
    size_t keep_finished_;
    std::unordered_map<std::string, std::shared_ptr<Execution>> by_id_;
    std::deque<std::shared_ptr<Execution>> order_;  // oldest first
    std::atomic<size_t> open_top_level_{0};
};

}  // namespace packhost::executions
