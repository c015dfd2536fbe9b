#include "core/yaml_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <yaml-cpp/depthguard.h>

namespace packhost::core {

YAML::Node load_yaml_file(const std::filesystem::path& file, size_t max_bytes) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw YamlFileError(0, std::string("cannot be read: ") + std::strerror(errno));
    std::string text;
    text.resize(max_bytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<size_t>(in.gcount()));
    if (text.size() > max_bytes) {
        std::error_code ec;
        auto size = std::filesystem::file_size(file, ec);
        throw YamlFileError(0, "is larger than " + std::to_string(max_bytes >> 20) + " MiB" +
                                   (ec ? std::string() : " (" + std::to_string(size) + " bytes)"));
    }
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
