#include "core/yaml_file.hpp"

#include <cstring>

#include <yaml-cpp/depthguard.h>

#include "core/bounded_read.hpp"

namespace packhost::core {

YAML::Node load_yaml_file(const std::filesystem::path& file, size_t max_bytes) {
    auto read = read_bounded(file, max_bytes);
    if (read.error != 0) throw YamlFileError(0, std::string("cannot be read: ") + std::strerror(read.error));
    if (read.too_large) {
        std::error_code ec;
        auto size = std::filesystem::file_size(file, ec);
        throw YamlFileError(0, "is larger than " + std::to_string(max_bytes >> 20) + " MiB" +
                                   (ec ? std::string() : " (" + std::to_string(size) + " bytes)"));
    }
    const std::string& text = read.text;
    try {
        return YAML::Load(text);
    } catch (const YAML::DeepRecursion& e) {
        throw YamlFileError(
            static_cast<size_t>(e.mark.line + 1),
            "invalid YAML at line " + std::to_string(e.mark.line + 1) + ": nested deeper than the YAML parser allows");
    } catch (const YAML::Exception& e) {
        throw YamlFileError(static_cast<size_t>(e.mark.line + 1), "invalid YAML at line " +
                                                                      std::to_string(e.mark.line + 1) + ", column " +
                                                                      std::to_string(e.mark.column + 1) + ": " + e.msg);
    }
}

}  // namespace packhost::core
