#include "packs/discovery.hpp"

#include <algorithm>
#include <system_error>

namespace packhost::packs {

namespace fs = std::filesystem;

std::vector<fs::path> parse_search_path(const std::string& colon_separated) {
    std::vector<fs::path> out;
    size_t start = 0;
    while (start <= colon_separated.size()) {
        size_t colon = colon_separated.find(':', start);
        if (colon == std::string::npos) colon = colon_separated.size();
        if (colon > start) out.emplace_back(colon_separated.substr(start, colon - start));
        start = colon + 1;
    }
    return out;
}

std::vector<fs::path> default_search_path(const fs::path& executable) {
    std::vector<fs::path> out;
    std::error_code ec;
    fs::path bin = fs::weakly_canonical(executable, ec).parent_path();
    for (const auto& candidate : {bin / ".." / "lib" / "packhost" / "packs", bin / ".." / "packs"}) {
        if (fs::is_directory(candidate, ec)) out.push_back(fs::weakly_canonical(candidate, ec));
    }
    return out;
}

std::vector<fs::path> find_pack_dirs(const std::vector<fs::path>& search_path, std::vector<std::string>& warnings,
                                     const std::function<bool(const fs::path&)>& known) {
    std::vector<fs::path> out;
    for (const auto& root : search_path) {
        std::error_code ec;
        if (!fs::exists(root, ec)) {
            warnings.push_back("packs path: " + root.string() + " does not exist");
            continue;
        }
        if (!fs::is_directory(root, ec)) {
            warnings.push_back("packs path: " + root.string() + " is not a directory");
            continue;
        }
        std::vector<fs::path> here;
        // Absolute: scripts are started from other working directories.
        fs::path base = fs::absolute(root, ec);
        base = ec ? root : base.lexically_normal();
        fs::directory_iterator it(root, ec);
        if (ec) {
            warnings.push_back("packs path: cannot read " + root.string() + ": " + ec.message());
            continue;
        }
        for (const auto& entry : it) {
            std::error_code ec2;
            if (entry.is_symlink(ec2) && !fs::exists(entry.path(), ec2)) {
                warnings.push_back(entry.path().string() + ": a symlink to something that does not exist; skipped");
                continue;
            }
            if (!entry.is_directory(ec2)) continue;
            fs::path dir = base / entry.path().filename();
            if (known && known(dir)) {
                here.push_back(std::move(dir));
                continue;
            }
            bool has_pack_yaml = fs::exists(entry.path() / "pack.yaml", ec2);
            if (ec2) {
                warnings.push_back(entry.path().string() + ": cannot be read (" + ec2.message() + "); skipped");
                continue;
            }
            if (!has_pack_yaml) continue;
            here.push_back(std::move(dir));
        }
        // By name (one folder's entries: the same order as comparing paths, without splitting them).
        std::sort(here.begin(), here.end(),
                  [](const fs::path& a, const fs::path& b) { return a.native() < b.native(); });
        out.insert(out.end(), here.begin(), here.end());
    }
    return out;
}

}  // namespace packhost::packs
