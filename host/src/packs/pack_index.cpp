#include "packs/pack_index.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <set>

#include "core/bounded_read.hpp"
#include "core/log.hpp"
#include "core/private_files.hpp"

namespace packhost::packs {
namespace {

namespace fs = std::filesystem;

// The index is read at every start, so it is lines of tab-separated fields
// rather than one JSON document (nlohmann's parser spent 2 ms on 50 packs):
//
//   packhost-pack-index-2 <build>
//   P <pack directory>
//   S <exists> <mtime ns> <ctime ns> <size> <inode> <path>   a file it came from
//   M <ref> <name> <version> <author> <email> <description>  pack.yaml
//   K|D|C <keyword|dependency|contributor>...
//   N <the library's description, JSON>                      a native pack
//   A <name> <path> <its fields, JSON>                       actions/*.yaml
//   G                                                        has a config.schema.yaml
//
// A file that did not exist is not stamped when its folder is: adding it
// changes the folder's stamp.
// Paths are relative to the pack directory when inside it. In text fields a
// backslash escapes a tab, a newline, a carriage return or itself.
constexpr std::string_view kFormat = "packhost-pack-index-2";
constexpr size_t kMaxIndexBytes = 64u << 20;
// File times come from a clock that ticks every 1-10 ms (1/HZ).
constexpr int64_t kRacyNs = 20'000'000;

std::string escaped(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        default: out += c;
        }
    }
    return out;
}

// Appends `s` without its escapes.
void append_unescaped(std::string& out, std::string_view s) {
    for (size_t slash = s.find('\\'); slash != std::string_view::npos; slash = s.find('\\')) {
        out.append(s.data(), slash);
        if (slash + 1 == s.size()) throw std::runtime_error("a lone backslash");
        switch (s[slash + 1]) {
        case '\\': out += '\\'; break;
        case 't': out += '\t'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        default: throw std::runtime_error("an unknown escape");
        }
        s.remove_prefix(slash + 2);
    }
    out.append(s.data(), s.size());
}

std::string unescaped(std::string_view s) {
    std::string out;
    append_unescaped(out, s);
    return out;
}

std::string relative(const fs::path& dir, const std::string& path) {
    const std::string& d = dir.native();
    if (path == d) return ".";
    if (path.size() > d.size() + 1 && path.compare(0, d.size(), d) == 0 && path[d.size()] == '/')
        return path.substr(d.size() + 1);
    return path;
}

// An escaped path from the index, made absolute again, into `out`.
void absolute_into(std::string& out, const std::string& dir, std::string_view escaped_path) {
    out.clear();
    if (escaped_path == ".") {
        out = dir;
    } else if (!escaped_path.empty() && escaped_path[0] == '/') {
        append_unescaped(out, escaped_path);
    } else {
        out.reserve(dir.size() + 1 + escaped_path.size());
        out += dir;
        out += '/';
        append_unescaped(out, escaped_path);
    }
}

void append_stamp(std::string& out, const fs::path& dir, const FileStamp& s) {
    out += s.exists ? '1' : '0';
    for (uint64_t v : {static_cast<uint64_t>(s.mtime_ns), static_cast<uint64_t>(s.ctime_ns), s.size, s.inode}) {
        out += '\t';
        out += std::to_string(v);
    }
    out += '\t';
    out += escaped(relative(dir, s.path));
}

// A line's tab-separated fields; the last one takes the rest of the line.
template <size_t N>
std::array<std::string_view, N> fields(std::string_view line) {
    std::array<std::string_view, N> out;
    for (size_t i = 0; i + 1 < N; ++i) {
        size_t tab = line.find('\t');
        if (tab == std::string_view::npos) throw std::runtime_error("a short line");
        out[i] = line.substr(0, tab);
        line.remove_prefix(tab + 1);
    }
    out[N - 1] = line;
    return out;
}

std::vector<std::string> list_from(std::string_view line) {
    std::vector<std::string> out;
    while (!line.empty()) {
        size_t tab = line.find('\t');
        out.push_back(unescaped(line.substr(0, tab)));
        if (tab == std::string_view::npos) break;
        line.remove_prefix(tab + 1);
    }
    return out;
}

void append_list(std::string& out, char kind, const std::vector<std::string>& items) {
    if (items.empty()) return;
    out += kind;
    for (const auto& i : items) {
        out += '\t';
        out += escaped(i);
    }
    out += '\n';
}

uint64_t number(std::string_view s) {
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) throw std::runtime_error("not a number");
    return v;
}

int64_t ns(const struct timespec& t) { return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec; }

// Whether the file an S line names still has that stamp. `path` is scratch.
bool still_holds(std::string_view line, const std::string& dir, std::string& path) {
    auto f = fields<6>(line);
    absolute_into(path, dir, f[5]);
    struct stat st {};
    bool exists = ::stat(path.c_str(), &st) == 0;
    if (f[0] != (exists ? "1" : "0")) return false;
    if (!exists) return true;
    return static_cast<int64_t>(number(f[1])) == ns(st.st_mtim) &&
           static_cast<int64_t>(number(f[2])) == ns(st.st_ctim) && number(f[3]) == static_cast<uint64_t>(st.st_size) &&
           number(f[4]) == static_cast<uint64_t>(st.st_ino);
}

}  // namespace

Json ActionFile::parsed_meta() const {
    if (!meta.is_null() || meta_text.empty()) return meta;
    return Json::parse(meta_text);
}

FileStamp stamp_of(const std::string& path) {
    FileStamp s;
    s.path = path;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return s;
    s.exists = true;
    s.mtime_ns = ns(st.st_mtim);
    s.ctime_ns = ns(st.st_ctim);
    s.size = static_cast<uint64_t>(st.st_size);
    s.inode = static_cast<uint64_t>(st.st_ino);
    return s;
}

std::string index_build(AbiVersion abi) {
    FileStamp self = stamp_of(std::string("/proc/self/exe"));
    // /proc/self/exe is a link: stat() follows it to the executable.
    return std::string(PACKHOST_VERSION) + " abi " + std::to_string(abi.major) + "." + std::to_string(abi.minor) +
           " exe " + std::to_string(self.size) + " " + std::to_string(self.inode) + " " +
           std::to_string(self.mtime_ns) + " " + std::to_string(self.ctime_ns);
}

PackIndex PackIndex::open(fs::path file, std::string build) {
    PackIndex index;
    index.file_ = std::move(file);
    index.build_ = std::move(build);
    auto read = core::read_bounded(index.file_, kMaxIndexBytes);
    if (read.error != 0 || read.too_large || read.text.empty()) return index;
    std::string_view text = read.text;
    size_t eol = text.find('\n');
    std::string_view head = text.substr(0, eol);
    if (eol == std::string_view::npos || head.size() != kFormat.size() + 1 + index.build_.size() ||
        head.substr(0, kFormat.size()) != kFormat || head.substr(kFormat.size() + 1) != index.build_) {
        index.changed_ = true;  // rewritten for this build
        return index;
    }
    text.remove_prefix(eol + 1);
    // Each pack's lines are kept as text; find() reads them.
    while (!text.empty()) {
        size_t end = text.find('\n');
        if (end == std::string_view::npos || text.substr(0, 2) != "P\t") {
            index.changed_ = true;  // damaged: what came before it stands
            break;
        }
        std::string dir(text.substr(2, end - 2));
        text.remove_prefix(end + 1);
        size_t next = 0;
        while (next < text.size() && text.substr(next, 2) != "P\t") {
            size_t nl = text.find('\n', next);
            next = nl == std::string_view::npos ? text.size() : nl + 1;
        }
        index.packs_[dir] = std::string(text.substr(0, next));
        text.remove_prefix(next);
    }
    return index;
}

std::optional<PackContent> PackIndex::find(const fs::path& dir) const {
    auto it = packs_.find(dir.string());
    if (it == packs_.end()) return std::nullopt;
    const std::string& d = it->first;
    try {
        PackContent c;  // without stamps: they are only written
        bool have_metadata = false;
        std::string path;
        std::string_view text = it->second;
        while (!text.empty()) {
            size_t end = text.find('\n');
            if (end == std::string_view::npos) return std::nullopt;  // cut short
            std::string_view line = text.substr(0, end);
            text.remove_prefix(end + 1);
            if (line.size() < 2 || line[1] != '\t') return std::nullopt;
            std::string_view rest = line.substr(2);
            switch (line[0]) {
            case 'S':
                if (!still_holds(rest, d, path)) return std::nullopt;
                break;
            case 'M': {
                auto f = fields<6>(rest);
                PackMetadata& m = c.metadata;
                m.ref = unescaped(f[0]);
                m.name = unescaped(f[1]);
                m.version = unescaped(f[2]);
                m.author = unescaped(f[3]);
                m.email = unescaped(f[4]);
                m.description = unescaped(f[5]);
                m.dir = d;
                have_metadata = true;
                break;
            }
            case 'K': c.metadata.keywords = list_from(rest); break;
            case 'D': c.metadata.dependencies = list_from(rest); break;
            case 'C': c.metadata.contributors = list_from(rest); break;
            case 'G': c.config_schema = true; break;
            case 'N': c.native = from_description(Json::parse(rest)); break;
            case 'A': {
                auto f = fields<3>(rest);
                ActionFile a;
                a.name = unescaped(f[0]);
                absolute_into(path, d, f[1]);
                a.file = path;
                a.meta_text = std::string(f[2]);
                c.action_files.push_back(std::move(a));
                break;
            }
            default: return std::nullopt;
            }
        }
        if (!have_metadata) return std::nullopt;
        return c;
    } catch (const std::exception&) {
        return std::nullopt;  // an entry this build cannot read: the pack is read again
    }
}

void PackIndex::put(const fs::path& dir, const PackContent& c) {
    changed_ = true;
    if (dir.native().find('\n') != std::string::npos) {
        packs_.erase(dir.string());  // cannot be a line of its own: read at every start
        return;
    }
    // A file changed within a tick of the clock that stamps it could change
    // again without its stamp changing ("racy git"): such a pack is read
    // again next time rather than trusted.
    struct timespec now {};
    ::clock_gettime(CLOCK_REALTIME, &now);
    for (const auto& s : c.stamps) {
        if (s.exists && s.ctime_ns > ns(now) - kRacyNs) {
            packs_.erase(dir.string());
            return;
        }
    }
    std::string lines;
    try {
        std::set<std::string> folders;
        for (const auto& s : c.stamps) {
            if (s.exists) folders.insert(s.path);
        }
        for (const auto& s : c.stamps) {
            if (!s.exists && folders.count(fs::path(s.path).parent_path().string())) continue;
            lines += "S\t";
            append_stamp(lines, dir, s);
            lines += '\n';
        }
        const PackMetadata& m = c.metadata;
        lines += "M";
        for (const auto* f : {&m.ref, &m.name, &m.version, &m.author, &m.email, &m.description}) {
            lines += '\t';
            lines += escaped(*f);
        }
        lines += '\n';
        append_list(lines, 'K', m.keywords);
        append_list(lines, 'D', m.dependencies);
        append_list(lines, 'C', m.contributors);
        if (c.config_schema) lines += "G\t\n";
        if (c.native) lines += "N\t" + describe(*c.native).dump() + "\n";
        for (const auto& a : c.action_files) {
            lines += "A\t" + escaped(a.name) + "\t" + escaped(relative(dir, a.file.string())) + "\t" +
                     (a.meta.is_null() ? a.meta_text : a.meta.dump()) + "\n";
        }
    } catch (const Json::exception&) {
        packs_.erase(dir.string());  // text that is not UTF-8: read at every start instead
        return;
    }
    packs_[dir.string()] = std::move(lines);
}

void PackIndex::save(const std::vector<fs::path>& keep_dirs) {
    std::set<std::string> keep;
    for (const auto& d : keep_dirs) keep.insert(d.string());
    for (auto it = packs_.begin(); it != packs_.end();) {
        if (keep.count(it->first)) {
            ++it;
        } else {
            it = packs_.erase(it);
            changed_ = true;
        }
    }
    if (!changed_ || file_.empty()) return;
    std::string text = std::string(kFormat) + "\t" + build_ + "\n";
    for (const auto& [dir, lines] : packs_) text += "P\t" + dir + "\n" + lines;
    fs::path tmp = file_;
    tmp += ".tmp." + std::to_string(::getpid());
    try {
        core::create_private_directories(file_.parent_path());
        int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0) throw std::runtime_error(std::strerror(errno));
        size_t done = 0;
        while (done < text.size()) {
            ssize_t n = ::write(fd, text.data() + done, text.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                int err = errno;
                ::close(fd);
                throw std::runtime_error(std::strerror(err));
            }
            done += static_cast<size_t>(n);
        }
        ::close(fd);
        // Readers see the old index or the new one, never half of one.
        if (::rename(tmp.c_str(), file_.c_str()) != 0) throw std::runtime_error(std::strerror(errno));
        changed_ = false;
    } catch (const std::exception& e) {
        ::unlink(tmp.c_str());
        core::log::debug("pack index {} not written: {}", file_.string(), e.what());
    }
}

}  // namespace packhost::packs
