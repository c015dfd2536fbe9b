#include "events/finished_executions.hpp"

#include <deque>
#include <mutex>
#include <string>
#include <unordered_set>

#include "core/status.hpp"
#include "store/forwarding_store.hpp"

namespace packhost::events {
namespace {

class FinishWatchingStore final : public store::ForwardingStore {
public:
    FinishWatchingStore(std::unique_ptr<store::Store> inner, std::function<bool()> wanted,
                        std::function<void(const store::ExecutionRecord&)> fn)
        : ForwardingStore(std::move(inner)), wanted_(std::move(wanted)), on_finished_(std::move(fn)) {}

    uint64_t save_shared(std::shared_ptr<const store::ExecutionRecord> record) override {
        bool first_end = false;
        if (core::is_completed(record->status) && wanted_()) {
            // A finished record may be saved again (a late result, a
            // re-save by whoever closes it): only the first save counts.
            std::lock_guard lock(mu_);
            if (recent_.insert(record->id).second) {
                first_end = true;
                order_.push_back(record->id);
                if (order_.size() > kRemembered) {
                    recent_.erase(order_.front());
                    order_.pop_front();
                }
            }
        }
        if (first_end) on_finished_(*record);
        return inner_->save_shared(std::move(record));
    }

private:
    static constexpr size_t kRemembered = 4096;
    std::function<bool()> wanted_;
    std::function<void(const store::ExecutionRecord&)> on_finished_;
    std::mutex mu_;
    std::unordered_set<std::string> recent_;
    std::deque<std::string> order_;
};

}  // namespace

std::unique_ptr<store::Store> watch_finished_executions(
    std::unique_ptr<store::Store> inner, std::function<bool()> wanted,
    std::function<void(const store::ExecutionRecord&)> on_finished) {
    return std::make_unique<FinishWatchingStore>(std::move(inner), std::move(wanted), std::move(on_finished));
}

}  // namespace packhost::events
