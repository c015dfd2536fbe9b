#include "core/ids.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>

namespace packhost::core {
namespace {

struct ProcessSeed {
    uint8_t random[5];
    uint32_t counter_start;
    ProcessSeed() {
        std::random_device rd;
        for (auto& b : random) b = static_cast<uint8_t>(rd());
        counter_start = rd() & 0xffffff;
    }
};

const ProcessSeed& seed() {
    static const ProcessSeed s;
    return s;
}

std::atomic<uint32_t> counter{0};

}  // namespace

std::string new_id() {
    static constexpr char hex[] = "0123456789abcdef";
    const auto& s = seed();
    uint32_t secs = static_cast<uint32_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    uint32_t count = (s.counter_start + counter.fetch_add(1, std::memory_order_relaxed)) & 0xffffff;
    uint8_t bytes[12] = {uint8_t(secs >> 24), uint8_t(secs >> 16),  uint8_t(secs >> 8),  uint8_t(secs),
                         s.random[0],         s.random[1],          s.random[2],         s.random[3],
                         s.random[4],         uint8_t(count >> 16), uint8_t(count >> 8), uint8_t(count)};
    std::string out(24, '0');
    for (int i = 0; i < 12; ++i) {
        out[2 * i] = hex[bytes[i] >> 4];
        out[2 * i + 1] = hex[bytes[i] & 0xf];
    }
    return out;
}

bool is_id(const std::string& text) {
    if (text.size() != 24) return false;
    for (char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

}  // namespace packhost::core
