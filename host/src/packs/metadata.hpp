#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace packhost::packs {

// pack.yaml, with StackStorm's fields and rules.
struct PackMetadata {
    std::string ref;  // ^[a-z0-9_]+$; `ref`, or `name` when that already fits
    std::string name;
    std::string description;
    std::string version;  // strict semver
    std::string author;
    std::string email;
    std::vector<std::string> keywords;
    std::vector<std::string> dependencies;
    std::vector<std::string> contributors;
    std::filesystem::path dir;  // the pack's directory
};

// Reads <dir>/pack.yaml. Throws PackError naming the file and the field.
PackMetadata read_pack_metadata(const std::filesystem::path& dir);

bool is_valid_pack_ref(const std::string& ref);

}  // namespace packhost::packs
