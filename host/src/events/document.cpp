#include "events/document.hpp"

#include "core/errors.hpp"
#include "core/yaml_file.hpp"
#include "core/yaml_json.hpp"

namespace packhost::events {

Json read_document(const std::filesystem::path& file) {
    try {
        return core::yaml_to_json(core::load_yaml_file(file));
    } catch (const core::YamlFileError& e) {
        throw core::ValidationError(file.string() + (e.line() ? ":" + std::to_string(e.line()) : "") + ": " + e.what());
    } catch (const std::exception& e) {
        throw core::ValidationError(file.string() + ": " + e.what());
    }
}

std::string text_field(const Json& obj, const char* key, const std::string& at, bool required,
                       std::vector<std::string>& problems) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
        if (required) problems.push_back(at + key + ": required");
        return {};
    }
    if (!it->is_string() || (required && it->get_ref<const std::string&>().empty())) {
        problems.push_back(at + key + ": must be " + (required ? "a non-empty string" : "a string"));
        return {};
    }
    return it->get<std::string>();
}

}  // namespace packhost::events
