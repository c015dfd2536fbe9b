#include "workflows/definition_file.hpp"

#include "core/yaml_file.hpp"
#include "core/yaml_json.hpp"

namespace packhost::workflows {

std::optional<YAML::Node> load_definition(const std::filesystem::path& file, Problems& problems) {
    try {
        return core::load_yaml_file(file);
    } catch (const core::YamlFileError& e) {
        problems.add(e.line(), e.what());
    }
    return std::nullopt;
}

size_t line_of(const YAML::Node& node) {
    auto m = node.Mark();
    return m.line >= 0 ? static_cast<size_t>(m.line) + 1 : 0;
}

Json to_json(const YAML::Node& node) { return core::yaml_to_json(node); }

std::vector<std::string> split_names(const std::string& text) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t comma = text.find(',', pos);
        std::string n = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        n.erase(0, n.find_first_not_of(" \t"));
        n.erase(n.find_last_not_of(" \t") + 1);
        if (!n.empty()) out.push_back(n);
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    return out;
}

}  // namespace packhost::workflows
