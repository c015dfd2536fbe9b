#include "expr/jsonpath.hpp"

#include <cctype>
#include <optional>
#include <stdexcept>

#include "expr/budget.hpp"

namespace packhost::expr {
namespace {

struct Step {
    enum class Kind { field, all, index, slice, descend } kind;
    std::string name;  // field; empty with descend means every descendant
    int64_t index = 0;
    std::optional<int64_t> start, stop;
};

class QueryParser {
public:
    explicit QueryParser(const std::string& q) : q_(q) {}

    std::vector<Step> parse() {
        skip_space();
        if (peek() == '$')
            ++pos_;
        else if (pos_ < q_.size() && peek() != '.' && peek() != '[')
            field();
        while (true) {
            skip_space();
            if (pos_ >= q_.size()) break;
            char c = peek();
            if (c == '.' && pos_ + 1 < q_.size() && q_[pos_ + 1] == '.') {
                pos_ += 2;
                Step d{Step::Kind::descend, "", 0, {}, {}};
                if (peek() == '*') {
                    ++pos_;
                } else {
                    d.name = name();
                }
                steps_.push_back(std::move(d));
            } else if (c == '.') {
                ++pos_;
                field();
            } else if (c == '[') {
                bracket();
            } else {
                fail("unexpected '" + std::string(1, c) + "'");
            }
        }
        return std::move(steps_);
    }

private:
    [[noreturn]] void fail(const std::string& why) const {
        throw std::invalid_argument("jsonpath_query: bad query '" + q_ + "' at " + std::to_string(pos_) + ": " + why);
    }
    char peek() const { return pos_ < q_.size() ? q_[pos_] : '\0'; }
    void skip_space() {
        while (pos_ < q_.size() && std::isspace(static_cast<unsigned char>(q_[pos_]))) ++pos_;
    }
    std::string name() {
        if (peek() == '\'' || peek() == '"') return quoted();
        size_t b = pos_;
        while (pos_ < q_.size() && (std::isalnum(static_cast<unsigned char>(q_[pos_])) || q_[pos_] == '_' ||
                                    q_[pos_] == '-' || (q_[pos_] & 0x80)))
            ++pos_;
        if (b == pos_) fail("a field name is missing");
        return q_.substr(b, pos_ - b);
    }
    std::string quoted() {
        char qc = q_[pos_++];
        std::string out;
        while (pos_ < q_.size() && q_[pos_] != qc) {
            if (q_[pos_] == '\\' && pos_ + 1 < q_.size()) ++pos_;
            out += q_[pos_++];
        }
        if (pos_ >= q_.size()) fail("unterminated quote");
        ++pos_;
        return out;
    }
    void field() {
        if (peek() == '*') {
            ++pos_;
            steps_.push_back({Step::Kind::all, "", 0, {}, {}});
            return;
        }
        steps_.push_back({Step::Kind::field, name(), 0, {}, {}});
    }
    std::optional<int64_t> number() {
        skip_space();
        size_t b = pos_;
        if (peek() == '-') ++pos_;
        while (std::isdigit(static_cast<unsigned char>(peek()))) ++pos_;
        if (b == pos_) return std::nullopt;
        try {
            return std::stoll(q_.substr(b, pos_ - b));
        } catch (const std::exception&) {
            fail("bad number");
        }
    }
    void bracket() {
        ++pos_;
        skip_space();
        if (peek() == '*') {
            ++pos_;
            steps_.push_back({Step::Kind::all, "", 0, {}, {}});
        } else if (peek() == '\'' || peek() == '"') {
            steps_.push_back({Step::Kind::field, quoted(), 0, {}, {}});
        } else {
            auto first = number();
            skip_space();
            if (peek() == ':') {
                ++pos_;
                auto second = number();
                steps_.push_back({Step::Kind::slice, "", 0, first, second});
            } else {
                if (!first) fail("an index is missing");
                steps_.push_back({Step::Kind::index, "", *first, {}, {}});
            }
        }
        skip_space();
        if (peek() != ']') fail("']' is missing");
        ++pos_;
    }

    const std::string& q_;
    size_t pos_ = 0;
    std::vector<Step> steps_;
};

void descendants(const Json& v, const std::string& name, std::vector<const Json*>& out) {
    Budget::charge_steps(1);
    if (v.is_object()) {
        if (name.empty()) {
            for (const auto& c : v) out.push_back(&c);
        } else if (auto it = v.find(name); it != v.end()) {
            out.push_back(&*it);
        }
        for (const auto& c : v) descendants(c, name, out);
    } else if (v.is_array()) {
        if (name.empty()) {
            for (const auto& c : v) out.push_back(&c);
        }
        for (const auto& c : v) descendants(c, name, out);
    }
}

}  // namespace

std::vector<Json> jsonpath_find(const Json& value, const std::string& query) {
    auto steps = QueryParser(query).parse();
    std::vector<const Json*> current{&value};
    for (const auto& s : steps) {
        std::vector<const Json*> next;
        for (const Json* v : current) {
            Budget::charge_steps(1);
            switch (s.kind) {
            case Step::Kind::field:
                if (v->is_object()) {
                    if (auto it = v->find(s.name); it != v->end()) next.push_back(&*it);
                }
                break;
            case Step::Kind::all:
                if (v->is_structured()) {
                    for (const auto& c : *v) next.push_back(&c);
                }
                break;
            case Step::Kind::index:
                if (v->is_array()) {
                    int64_t i = s.index < 0 ? s.index + static_cast<int64_t>(v->size()) : s.index;
                    if (i >= 0 && i < static_cast<int64_t>(v->size())) next.push_back(&(*v)[static_cast<size_t>(i)]);
                }
                break;
            case Step::Kind::slice:
                if (v->is_array()) {
                    int64_t n = static_cast<int64_t>(v->size());
                    int64_t b = s.start.value_or(0), e = s.stop.value_or(n);
                    if (b < 0) b = std::max<int64_t>(0, b + n);
                    if (e < 0) e = std::max<int64_t>(0, e + n);
                    for (int64_t i = b; i < std::min(e, n); ++i) next.push_back(&(*v)[static_cast<size_t>(i)]);
                }
                break;
            case Step::Kind::descend: descendants(*v, s.name, next); break;
            }
        }
        current = std::move(next);
    }
    std::vector<Json> out;
    Budget::charge_bytes(current.size() * Budget::kElementBytes);
    for (const Json* v : current) out.push_back(*v);
    return out;
}

}  // namespace packhost::expr
