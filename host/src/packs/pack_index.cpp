#include "packs/pack_index.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include <spdlog/spdlog.h>

#include "core/bounded_read.hpp"
#include "core/json_text.hpp"
#include "core/private_files.hpp"

namespace packhost::packs {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFormat = "packhost-pack-index-1";
constexpr size_t kMaxIndexBytes = 64u << 20;

Json to_json(const FileStamp& s) { return Json::array({s.path, s.exists, s.mtime_ns, s.ctime_ns, s.size, s.inode}); }

FileStamp stamp_from(const Json& j) {
    FileStamp s;
    s.path = j.at(0).get<std::string>();
    s.exists = j.at(1).get<bool>();
    s.mtime_ns = j.at(2).get<int64_t>();
    s.ctime_ns = j.at(3).get<int64_t>();
    s.size = j.at(4).get<uint64_t>();
    s.inode = j.at(5).get<uint64_t>();
    return s;
}

Json to_json(const PackMetadata& m) {
    return {{"ref", m.ref},
            {"name", m.name},
            {"description", m.description},
            {"version", m.version},
            {"author", m.author},
            {"email", m.email},
            {"keywords", m.keywords},
            {"dependencies", m.dependencies},
            {"contributors", m.contributors},
            {"dir", m.dir.string()}};
}

PackMetadata metadata_from(const Json& j) {
    PackMetadata m;
    m.ref = j.at("ref").get<std::string>();
    m.name = j.at("name").get<std::string>();
    m.description = j.at("description").get<std::string>();
    m.version = j.at("version").get<std::string>();
    m.author = j.at("author").get<std::string>();
    m.email = j.at("email").get<std::string>();
    m.keywords = j.at("keywords").get<std::vector<std::string>>();
    m.dependencies = j.at("dependencies").get<std::vector<std::string>>();
    m.contributors = j.at("contributors").get<std::vector<std::string>>();
    m.dir = j.at("dir").get<std::string>();
    return m;
}

int64_t ns(const struct timespec& t) { return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec; }

}  // namespace

FileStamp stamp_of(const fs::path& path) {
    FileStamp s;
    s.path = path.string();
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
    FileStamp self = stamp_of("/proc/self/exe");
    // /proc/self/exe is a link: stat() follows it to the executable.
    return std::string(PACKHOST_VERSION) + " abi " + std::to_string(abi.major) + "." + std::to_string(abi.minor) +
           " exe " + to_json(self).dump();
}

PackIndex PackIndex::open(fs::path file, std::string build) {
    PackIndex index;
    index.file_ = std::move(file);
    index.build_ = std::move(build);
    auto read = core::read_bounded(index.file_, kMaxIndexBytes);
    if (read.error != 0 || read.too_large || read.text.empty()) return index;
    Json doc = Json::parse(read.text, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object() || doc.value("format", "") != kFormat || doc.value("build", "") != index.build_ ||
        !doc.contains("packs") || !doc["packs"].is_object()) {
        index.changed_ = true;  // rewritten for this build
        return index;
    }
    for (auto& [dir, entry] : doc["packs"].items()) index.packs_[dir] = std::move(entry);
    return index;
}

std::optional<PackContent> PackIndex::find(const fs::path& dir) const {
    auto it = packs_.find(dir.string());
    if (it == packs_.end()) return std::nullopt;
    try {
        const Json& e = it->second;
        PackContent c;
        for (const auto& s : e.at("stamps")) {
            FileStamp then = stamp_from(s);
            if (!(stamp_of(then.path) == then)) return std::nullopt;
        }
        c.metadata = metadata_from(e.at("metadata"));
        if (e.contains("native")) c.native = from_description(e["native"]);
        for (const auto& a : e.at("actions")) {
            c.action_files.push_back({a.at("file").get<std::string>(), a.at("meta"), stamp_from(a.at("stamp"))});
        }
        return c;
    } catch (const std::exception&) {
        return std::nullopt;  // an entry this build cannot read: the pack is read again
    }
}

void PackIndex::put(const fs::path& dir, const PackContent& c) {
    Json stamps = Json::array();
    for (const auto& s : c.stamps) stamps.push_back(to_json(s));
    Json actions = Json::array();
    for (const auto& a : c.action_files)
        actions.push_back({{"file", a.file.string()}, {"meta", a.meta}, {"stamp", to_json(a.stamp)}});
    Json entry{{"stamps", std::move(stamps)}, {"metadata", to_json(c.metadata)}, {"actions", std::move(actions)}};
    if (c.native) entry["native"] = describe(*c.native);
    packs_[dir.string()] = std::move(entry);
    changed_ = true;
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
    Json doc{{"format", kFormat}, {"build", build_}, {"packs", Json::object()}};
    for (const auto& [dir, entry] : packs_) doc["packs"][dir] = entry;
    std::string text = doc.dump();
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
        spdlog::debug("pack index {} not written: {}", file_.string(), e.what());
    }
}

}  // namespace packhost::packs
