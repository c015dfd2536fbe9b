#include "core/yaml_json.hpp"

#include <cmath>
#include <regex>

#include "core/json_text.hpp"

namespace packhost::core {

Json resolve_plain_scalar(const std::string& s) {
    // PyYAML's implicit resolvers; fixed patterns without nested repetition.
    static const std::regex null_re(R"(^(~|null|Null|NULL|)$)");
    static const std::regex bool_true(R"(^(yes|Yes|YES|true|True|TRUE|on|On|ON)$)");
    static const std::regex bool_false(R"(^(no|No|NO|false|False|FALSE|off|Off|OFF)$)");
    static const std::regex int_re(R"(^[-+]?(0|[1-9][0-9_]*)$)");
    static const std::regex hex_re(R"(^[-+]?0x[0-9a-fA-F_]+$)");
    static const std::regex float_re(R"(^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?$)");
    static const std::regex inf_re(R"(^[-+]?\.(inf|Inf|INF)$)");
    static const std::regex nan_re(R"(^\.(nan|NaN|NAN)$)");
    if (s.size() > 64) return s;  // no number or keyword is this long
    if (std::regex_match(s, null_re)) return nullptr;
    if (std::regex_match(s, bool_true)) return true;
    if (std::regex_match(s, bool_false)) return false;
    std::string digits;
    for (char c : s) {
        if (c != '_') digits += c;
    }
    try {
        if (std::regex_match(s, int_re)) return static_cast<int64_t>(std::stoll(digits));
        if (std::regex_match(s, hex_re)) return static_cast<int64_t>(std::stoll(digits, nullptr, 16));
        if (s != "." && std::regex_match(s, float_re)) return std::stod(digits);
    } catch (const std::out_of_range&) {
        return std::stod(digits);  // past int64, as a float
    }
    if (std::regex_match(s, inf_re)) return s[0] == '-' ? -INFINITY : INFINITY;
    if (std::regex_match(s, nan_re)) return NAN;
    return s;
}

namespace {

Json convert(const YAML::Node& n, size_t depth) {
    switch (n.Type()) {
    case YAML::NodeType::Null: return nullptr;
    case YAML::NodeType::Scalar: return n.Tag() == "?" ? resolve_plain_scalar(n.Scalar()) : Json(n.Scalar());
    case YAML::NodeType::Sequence:
    case YAML::NodeType::Map: {
        if (depth >= kMaxJsonDepth) {
            throw JsonTextError("line " + std::to_string(n.Mark().line + 1) + ": nested deeper than " +
                                std::to_string(kMaxJsonDepth) + " levels");
        }
        if (n.IsSequence()) {
            Json out = Json::array();
            for (const auto& e : n) out.push_back(convert(e, depth + 1));
            return out;
        }
        Json out = Json::object();
        for (const auto& kv : n) out[kv.first.Scalar()] = convert(kv.second, depth + 1);
        return out;
    }
    default: return nullptr;
    }
}

}  // namespace

Json yaml_to_json(const YAML::Node& n) { return convert(n, 0); }

}  // namespace packhost::core
