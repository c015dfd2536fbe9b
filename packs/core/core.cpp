// The core pack: the small actions every installation has, written against
// the public SDK like any third-party pack.
#include <packhost/sdk.hpp>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>

namespace {

using json = nlohmann::json;
using packhost::sdk::Context;

std::string format_uuid(const uint8_t b[16]) {
    char out[37];
    std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                  b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return out;
}

std::mt19937_64& rng() {
    thread_local std::mt19937_64 gen{std::random_device{}()};
    return gen;
}

// RFC 4122 version 4: random.
std::string uuid4() {
    uint8_t b[16];
    uint64_t hi = rng()(), lo = rng()();
    for (int i = 0; i < 8; ++i) {
        b[i] = uint8_t(hi >> (56 - 8 * i));
        b[8 + i] = uint8_t(lo >> (56 - 8 * i));
    }
    b[6] = uint8_t((b[6] & 0x0f) | 0x40);
    b[8] = uint8_t((b[8] & 0x3f) | 0x80);
    return format_uuid(b);
}

// RFC 4122 version 1: 60-bit time in 100 ns since 1582-10-15, a clock
// sequence, and a random node id with the multicast bit set (as Python's
// uuid1 does when it cannot read a MAC address).
std::string uuid1() {
    constexpr uint64_t kGregorianOffset = 0x01B21DD213814000ULL;
    auto now = std::chrono::system_clock::now().time_since_epoch();
    uint64_t ts = uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count() / 100) + kGregorianOffset;
    uint16_t clock_seq = uint16_t(rng()() & 0x3fff);
    uint64_t node = (rng()() & 0xffffffffffffULL) | 0x010000000000ULL;
    uint8_t b[16];
    uint32_t time_low = uint32_t(ts & 0xffffffff);
    uint16_t time_mid = uint16_t((ts >> 32) & 0xffff);
    uint16_t time_hi = uint16_t(((ts >> 48) & 0x0fff) | 0x1000);
    b[0] = uint8_t(time_low >> 24);
    b[1] = uint8_t(time_low >> 16);
    b[2] = uint8_t(time_low >> 8);
    b[3] = uint8_t(time_low);
    b[4] = uint8_t(time_mid >> 8);
    b[5] = uint8_t(time_mid);
    b[6] = uint8_t(time_hi >> 8);
    b[7] = uint8_t(time_hi);
    b[8] = uint8_t(((clock_seq >> 8) & 0x3f) | 0x80);
    b[9] = uint8_t(clock_seq);
    for (int i = 0; i < 6; ++i) b[10 + i] = uint8_t(node >> (40 - 8 * i));
    return format_uuid(b);
}

}  // namespace

PACKHOST_PACK("core", "1.0.0") {
    using packhost::sdk::reentrant;

    pack.action(
        "echo", "Returns the message it was given.",
        {{"type", "object"},
         {"properties", {{"message", {{"type", "string"}, {"description", "The message to echo."}}}}},
         {"required", {"message"}}},
        [](const json& p, Context&) {
            const auto& m = p.at("message");
            return json{{"message", m}, {"stdout", m}};
        },
        reentrant);

    pack.action(
        "noop", "Does nothing and succeeds.", nullptr, [](const json&, Context&) { return json(nullptr); }, reentrant);

    pack.action(
        "error", "Fails with the given message.",
        {{"type", "object"},
         {"properties",
          {{"message", {{"type", "string"}, {"description", "Why it fails."}, {"default", "core.error was run"}}}}}},
        [](const json& p, Context&) -> json { throw std::runtime_error(p.at("message").get<std::string>()); },
        reentrant);

    pack.action(
        "uuid", "Generates a UUID (uuid4: random, uuid1: time-based).",
        {{"type", "object"},
         {"properties",
          {{"uuid_type",
            {{"type", "string"},
             {"enum", {"uuid1", "uuid4"}},
             {"default", "uuid4"},
             {"description", "Which UUID version to generate."}}}}}},
        [](const json& p, Context&) { return json(p.at("uuid_type") == "uuid1" ? uuid1() : uuid4()); }, reentrant);

    pack.action(
        "sleep", "Sleeps for the given number of seconds; stops early when canceled.",
        {{"type", "object"},
         {"properties",
          {{"seconds", {{"type", "number"}, {"minimum", 0}, {"default", 1}, {"description", "How long to sleep."}}}}}},
        [](const json& p, Context& ctx) {
            using clock = std::chrono::steady_clock;
            auto total = std::chrono::duration_cast<clock::duration>(
                std::chrono::duration<double>(p.at("seconds").get<double>()));
            auto until = clock::now() + total;
            while (clock::now() < until) {
                ctx.check_cancel();
                clock::duration left = until - clock::now();
                std::this_thread::sleep_for(std::min<clock::duration>(left, std::chrono::milliseconds(10)));
            }
            return json{{"slept", p.at("seconds")}};
        },
        reentrant);

    // StackStorm's core.inject_trigger: a trigger instance from a workflow
    // or a rule, matched by the rules like any other.
    pack.action(
        "inject_trigger", "Emits a trigger instance of the given trigger type with the given payload.",
        {{"type", "object"},
         {"properties",
          {{"trigger", {{"type", "string"}, {"description", "Trigger type reference (e.g. mypack.my_trigger)."}}},
           {"payload", {{"type", "object"}, {"default", json::object()}, {"description", "Trigger payload."}}},
           {"trace_tag",
            {{"type", "string"}, {"description", "A trace tag for the instance (kept in its payload)."}}}}},
         {"required", {"trigger"}}},
        [](const json& p, Context& ctx) {
            json payload = p.at("payload");
            if (p.contains("trace_tag")) payload["__context"]["trace_tag"] = p.at("trace_tag");
            const auto trigger = p.at("trigger").get<std::string>();
            if (!ctx.host().dispatch(trigger, payload))
                throw std::runtime_error("the host's trigger queue is full; try again later");
            return json{{"trigger", trigger}, {"payload", payload}};
        },
        reentrant);
}
