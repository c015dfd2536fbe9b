#include "cli/yaml_view.hpp"

#include <yaml-cpp/yaml.h>

#include "core/json_text.hpp"

namespace packhost::cli {
namespace {

// A literal block shows lines as they are, so only text whose only control
// characters are newlines and tabs may use one; the rest is quoted with
// escapes (a NUL or an escape sequence never reaches the terminal raw).
bool literal_block_ok(const std::string& s) {
    if (s.find('\n') == std::string::npos) return false;
    for (unsigned char c : s) {
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return false;
    }
    return true;
}

void emit(YAML::Emitter& out, const Json& v, size_t depth) {
    if (depth > core::kMaxPrintDepth) {
        out << "[packhost: nested deeper than " + std::to_string(core::kMaxPrintDepth) + " levels, not shown]";
        return;
    }
    switch (v.type()) {
    case Json::value_t::object:
        if (v.empty()) {
            out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
            return;
        }
        out << YAML::BeginMap;
        for (const auto& [k, child] : v.items()) {
            out << YAML::Key << k << YAML::Value;
            emit(out, child, depth + 1);
        }
        out << YAML::EndMap;
        return;
    case Json::value_t::array:
        if (v.empty()) {
            out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
            return;
        }
        out << YAML::BeginSeq;
        for (const auto& child : v) emit(out, child, depth + 1);
        out << YAML::EndSeq;
        return;
    case Json::value_t::string: {
        const auto& s = v.get_ref<const std::string&>();
        if (literal_block_ok(s)) out << YAML::Literal;
        out << s;
        return;
    }
    case Json::value_t::null: out << YAML::Null; return;
    case Json::value_t::boolean: out << v.get<bool>(); return;
    case Json::value_t::number_integer: out << v.get<int64_t>(); return;
    case Json::value_t::number_unsigned: out << v.get<uint64_t>(); return;
    case Json::value_t::number_float: out << core::number_text(v.get<double>()); return;
    default: out << v.dump(); return;
    }
}

}  // namespace

std::string to_yaml(const Json& value) {
    YAML::Emitter out;
    out.SetIndent(2);
    emit(out, value, 0);
    return std::string(out.c_str(), out.size());
}

}  // namespace packhost::cli
