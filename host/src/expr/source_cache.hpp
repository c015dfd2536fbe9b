#pragma once
// Compiled expressions by their source text, shared by every render: a
// workflow's templates are parsed once, whatever the number of runs.
// Thread-safe. Holds at most `capacity` entries; past it, it starts over
// (crude, but bounded and rare: definitions hold far fewer).
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace packhost::expr {

// `Compiled` has `static std::shared_ptr<const Compiled> compile(const std::string&)`.
template <class Compiled>
class SourceCache {
public:
    explicit SourceCache(size_t capacity = 4096) : capacity_(capacity) {}

    std::shared_ptr<const Compiled> get(const std::string& source) {
        {
            std::shared_lock lock(mu_);
            auto it = by_source_.find(source);
            if (it != by_source_.end()) return it->second;
        }
        auto compiled = Compiled::compile(source);
        std::unique_lock lock(mu_);
        if (by_source_.size() >= capacity_) by_source_.clear();
        by_source_.emplace(source, compiled);
        return compiled;
    }

private:
    size_t capacity_;
    std::shared_mutex mu_;
    std::unordered_map<std::string, std::shared_ptr<const Compiled>> by_source_;
};

}  // namespace packhost::expr
