#include "cli/yaml_view.hpp"

#include <yaml-cpp/yaml.h>

namespace packhost::cli {
namespace {

void emit(YAML::Emitter& out, const nlohmann::ordered_json& v) {
    switch (v.type()) {
    case nlohmann::ordered_json::value_t::object:
        if (v.empty()) {
            out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
            return;
        }
        out << YAML::BeginMap;
        for (const auto& [k, child] : v.items()) {
            out << YAML::Key << k << YAML::Value;
            emit(out, child);
        }
        out << YAML::EndMap;
        return;
    case nlohmann::ordered_json::value_t::array:
        if (v.empty()) {
            out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
            return;
        }
        out << YAML::BeginSeq;
        for (const auto& child : v) emit(out, child);
        out << YAML::EndSeq;
        return;
    case nlohmann::ordered_json::value_t::string: {
        const auto& s = v.get_ref<const std::string&>();
        if (s.find('\n') != std::string::npos) out << YAML::Literal;
        out << s;
        return;
    }
    case nlohmann::ordered_json::value_t::null: out << YAML::Null; return;
    case nlohmann::ordered_json::value_t::boolean: out << v.get<bool>(); return;
    case nlohmann::ordered_json::value_t::number_integer: out << v.get<int64_t>(); return;
    case nlohmann::ordered_json::value_t::number_unsigned: out << v.get<uint64_t>(); return;
    default: out << v.dump(); return;
    }
}

}  // namespace

std::string to_yaml(const nlohmann::ordered_json& value) {
    YAML::Emitter out;
    out.SetIndent(2);
    emit(out, value);
    return out.c_str();
}

}  // namespace packhost::cli
