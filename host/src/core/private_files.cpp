#include "core/private_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace packhost::core {

void create_private_directories(const std::filesystem::path& dir) {
    if (dir.empty()) return;
    // Missing folders from the top down; existing ones are left alone.
    std::vector<std::filesystem::path> missing;
    for (auto p = std::filesystem::absolute(dir); !p.empty(); p = p.parent_path()) {
        struct stat st {};
        if (::stat(p.c_str(), &st) == 0) break;
        missing.push_back(p);
        if (p == p.root_path()) break;
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST) {
            throw std::runtime_error(it->string() + ": cannot create the folder: " + std::strerror(errno));
        }
    }
}

bool ensure_private_file(const std::filesystem::path& file) {
    create_private_directories(file.parent_path());
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::close(fd);
        return false;
    }
    if (errno != EEXIST) throw std::runtime_error(file.string() + ": cannot create: " + std::strerror(errno));
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0 || (st.st_mode & 077) == 0) return false;
    if (::chmod(file.c_str(), st.st_mode & 0700) != 0) {
        throw std::runtime_error(file.string() + ": cannot make it private (chmod 600): " + std::strerror(errno));
    }
    return true;
}

bool readable_by_others(const std::filesystem::path& file) {
    struct stat st {};
    return ::stat(file.c_str(), &st) == 0 && (st.st_mode & 044) != 0;
}

}  // namespace packhost::core
