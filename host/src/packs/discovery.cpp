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

std::vector<fs::path> find_pack_dirs(const std::vector<fs::path>& search_path) {
    std::vector<fs::path> out;
    for (const auto& root : search_path) {
        std::error_code ec;
        std::vector<fs::path> here;
        for (const auto& entry : fs::directory_iterator(root, ec)) {
            std::error_code ec2;
            if (entry.is_directory(ec2) && fs::exists(entry.path() / "pack.yaml", ec2)) {
                // Absolute: scripts are started from other working directories.
                auto dir = fs::absolute(entry.path(), ec2);
                here.push_back(ec2 ? entry.path() : dir.lexically_normal());
            }
        }
        std::sort(here.begin(), here.end());
        out.insert(out.end(), here.begin(), here.end());
    }
    return out;
}

}  // namespace packhost::packs
