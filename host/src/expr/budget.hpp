#pragma once
// The work one render may do. Templates come from users, rules and chat
// messages; whatever a template asks for, it may not make the host allocate
// gigabytes or spin for minutes. A render has a budget of bytes it may
// build (values, text, output) and of steps it may take (items visited,
// text scanned, comparisons). An operation charges the budget before it
// does the work; an exhausted budget fails the render with an EvalError.
//
// The budget belongs to the render running on this thread, so the engine's
// helpers (operators, methods, printers) charge it without every signature
// carrying it. Outside a render nothing is charged. A render started inside
// another (a parameter that refers to another) shares the outer budget.
#include <cstddef>

namespace packhost::expr {

class Budget {
public:
    static constexpr size_t kMaxBytes = 64u << 20;
    static constexpr size_t kMaxSteps = 50'000'000;
    // What one element of a list or dict is taken to cost, in bytes.
    static constexpr size_t kElementBytes = 16;

    // Installs a fresh budget for this thread unless a render already has one.
    class Scope {
    public:
        Scope();
        ~Scope();
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;

    private:
        Budget* installed_ = nullptr;
    };

    static void charge_bytes(size_t n);
    // What is left of the bytes (everything outside a render).
    static size_t remaining_bytes();
    static void charge_steps(size_t n);
    // Text walked once: a step per 16 bytes.
    static void charge_scan(size_t bytes) { charge_steps(bytes / 16 + 1); }
    // `count` items of `unit` bytes each, checked for overflow first.
    static void charge_repeat(size_t unit, size_t count);

private:
    size_t bytes_ = 0;
    size_t steps_ = 0;
};

}  // namespace packhost::expr
