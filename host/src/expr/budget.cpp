#include "expr/budget.hpp"

#include <string>

#include "expr/value.hpp"

namespace packhost::expr {
namespace {

thread_local Budget* current = nullptr;

}  // namespace

Budget::Scope::Scope() {
    if (current == nullptr) {
        installed_ = new Budget();
        current = installed_;
    }
}

Budget::Scope::~Scope() {
    if (installed_ != nullptr) {
        current = nullptr;
        delete installed_;
    }
}

void Budget::charge_bytes(size_t n) {
    Budget* b = current;
    if (b == nullptr) return;
    if (n > kMaxBytes - b->bytes_) {
        throw EvalError("the template would build more than " + std::to_string(kMaxBytes >> 20) + " MiB");
    }
    b->bytes_ += n;
}

size_t Budget::remaining_bytes() {
    Budget* b = current;
    return b == nullptr ? static_cast<size_t>(-1) : kMaxBytes - b->bytes_;
}

void Budget::charge_steps(size_t n) {
    Budget* b = current;
    if (b == nullptr) return;
    if (n > kMaxSteps - b->steps_) {
        throw EvalError("the template does too much work (more than " + std::to_string(kMaxSteps) + " steps)");
    }
    b->steps_ += n;
}

void Budget::charge_repeat(size_t unit, size_t count) {
    if (unit != 0 && count > kMaxBytes / unit) {
        throw EvalError("the template would build more than " + std::to_string(kMaxBytes >> 20) + " MiB");
    }
    charge_bytes(unit * count);
}

}  // namespace packhost::expr
