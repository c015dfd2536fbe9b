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

}  // namespace packhost::events
