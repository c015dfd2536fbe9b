#include "packs/pack_files.hpp"

#include <algorithm>

#include "packs/pack_error.hpp"

namespace packhost::packs {

namespace fs = std::filesystem;

fs::path file_in_pack(const fs::path& pack_dir, const fs::path& base, const std::string& relative,
                      const std::string& where, const std::string& field) {
    auto refuse = [&](const std::string& why) { throw PackError(where + ": " + field + " '" + relative + "' " + why); };
    if (relative.empty()) refuse("is empty");
    if (fs::path(relative).is_absolute()) refuse("must be a path inside the pack, not an absolute path");
    std::error_code ec;
    fs::path root = fs::canonical(pack_dir, ec);
    if (ec) refuse("cannot be resolved: the pack directory " + pack_dir.string() + " is unreadable");
    fs::path target = fs::weakly_canonical(base / relative, ec);
    if (ec) refuse("cannot be resolved: " + ec.message());
    // Compared component by component: /packs/a is not inside /packs/ab.
    auto [r, t] = std::mismatch(root.begin(), root.end(), target.begin(), target.end());
    if (r != root.end()) refuse("points outside the pack (to " + target.string() + ")");
    if (!fs::is_regular_file(target, ec)) refuse("does not exist (" + target.string() + ")");
    return target;
}

std::vector<std::filesystem::path> yaml_files_in(const std::filesystem::path& dir) {
    namespace fs = std::filesystem;
    std::vector<fs::path> files;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return files;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        auto ext = e.path().extension();
        if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace packhost::packs
