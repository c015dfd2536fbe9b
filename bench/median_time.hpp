#pragma once
// The median time of a call, in ns: `samples` samples of `batch` calls
// each (batching hides the clock's own cost for sub-microsecond work),
// after a thousand calls to warm up.
#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

inline double median_ns(size_t samples, size_t batch, const std::function<void()>& fn) {
    using clock_type = std::chrono::steady_clock;
    for (size_t i = 0; i < 1000; ++i) fn();
    std::vector<double> t;
    for (size_t s = 0; s < samples; ++s) {
        auto a = clock_type::now();
        for (size_t i = 0; i < batch; ++i) fn();
        t.push_back(std::chrono::duration<double, std::nano>(clock_type::now() - a).count() / double(batch));
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}
