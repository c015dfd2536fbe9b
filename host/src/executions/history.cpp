#include "executions/history.hpp"

#include "executions/execution.hpp"

namespace packhost::executions {

void History::add(const std::shared_ptr<Execution>& e) {
    std::lock_guard lock(mu_);
    by_id_.emplace(e->id(), e);
    order_.push_back(e);
    if (e->parent_id().empty() && !e->done()) open_top_level_.fetch_add(1, std::memory_order_relaxed);
    if (order_.size() > keep_finished_ + keep_finished_ / 4) trim();
}

void History::trim() {
    // Drop the oldest finished executions beyond the window; live ones stay.
    size_t excess = order_.size() - keep_finished_;
    std::deque<std::shared_ptr<Execution>> kept;
    for (auto& e : order_) {
        if (excess > 0 && e->done()) {
            by_id_.erase(e->id());
            --excess;
        } else {
            kept.push_back(std::move(e));
        }
    }
    order_.swap(kept);
}

std::shared_ptr<Execution> History::find(const std::string& id) const {
    std::lock_guard lock(mu_);
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<Execution>> History::recent(size_t limit) const {
    std::lock_guard lock(mu_);
    std::vector<std::shared_ptr<Execution>> out;
    for (auto it = order_.rbegin(); it != order_.rend() && out.size() < limit; ++it) out.push_back(*it);
    return out;
}

void History::closed(const Execution& e) {
    if (e.parent_id().empty()) open_top_level_.fetch_sub(1, std::memory_order_relaxed);
}

std::vector<std::shared_ptr<Execution>> History::unfinished_top_level_list() const {
    std::lock_guard lock(mu_);
    std::vector<std::shared_ptr<Execution>> out;
    for (const auto& e : order_) {
        if (!e->done() && e->parent_id().empty()) out.push_back(e);
    }
    return out;
}

}  // namespace packhost::executions
