#include "core/bounded_read.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace packhost::core {

BoundedRead read_bounded(const std::filesystem::path& file, size_t max_bytes) {
    BoundedRead r;
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        r.error = errno;
        return r;
    }
    struct stat st {};
    // The size is a hint only: the file may grow or shrink while it is read.
    size_t hint = ::fstat(fd, &st) == 0 && st.st_size > 0 ? static_cast<size_t>(st.st_size) : 4096;
    r.text.resize(std::min(hint, max_bytes) + 1);
    size_t got = 0;
    while (true) {
        if (got == r.text.size()) {
            if (got > max_bytes) break;
            r.text.resize(std::min(r.text.size() * 2, max_bytes + 1));
        }
        ssize_t n = ::read(fd, r.text.data() + got, r.text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            r.error = errno;
            break;
        }
        if (n == 0) break;
        got += static_cast<size_t>(n);
    }
    ::close(fd);
    r.text.resize(got);
    r.too_large = got > max_bytes;
    return r;
}

}  // namespace packhost::core
