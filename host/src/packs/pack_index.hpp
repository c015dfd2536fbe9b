#pragma once
// What the packs on the search path said when they were last read (pack.yaml,
// their libraries' descriptors, their action files), kept in the home and
// trusted while every file it came from is unchanged. A command then starts
// without parsing YAML or mapping a pack library; what it reads is checked
// as usual, only the reading is saved.
//
// A file's stamp is its size, mtime, ctime and inode; a directory's stamp
// changes when a file is added to it or removed. The index is for one
// build of packhost (the executable's own stamp) and one ABI: another
// starts it afresh.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/json_value.hpp"
#include "packs/metadata.hpp"
#include "packs/native_library.hpp"

namespace packhost::packs {

struct FileStamp {
    std::string path;
    bool exists = false;
    int64_t mtime_ns = 0;
    int64_t ctime_ns = 0;
    uint64_t size = 0;
    uint64_t inode = 0;

    bool operator==(const FileStamp&) const = default;
};

FileStamp stamp_of(const std::string& path);
inline FileStamp stamp_of(const std::filesystem::path& path) { return stamp_of(path.native()); }

// One actions/*.yaml as read (YAML to JSON). Taken from the index, its
// fields stay JSON text until the action is built (`meta` is then null):
// a command builds the one action it runs, not every action installed.
struct ActionFile {
    std::filesystem::path file;
    std::string name;  // its `name` field when that is a string, else empty
    Json meta;
    std::string meta_text;
    FileStamp stamp;  // taken before it was read

    Json parsed_meta() const;  // `meta`, or `meta_text` parsed
};

// A pack directory as read, but for its site configuration (read at every
// start: it is the site's, and may hold secrets this file must not copy).
struct PackContent {
    PackMetadata metadata;
    std::optional<NativeLibrary> native;  // a description only: no function pointers
    std::vector<ActionFile> action_files;
    bool config_schema = false;     // whether it has a config.schema.yaml (read at every start, like the config)
    std::vector<FileStamp> stamps;  // of everything the above came from: put() records them, find() checks them
};

class PackIndex {
public:
    // Reads `file` when it was written for `build`, else starts empty. A
    // missing, unreadable or damaged index is never an error: it is rebuilt.
    static PackIndex open(std::filesystem::path file, std::string build);

    // The content of `dir` when every stamp taken with it still holds.
    std::optional<PackContent> find(const std::filesystem::path& dir) const;
    bool knows(const std::filesystem::path& dir) const { return packs_.count(dir.native()) > 0; }
    void put(const std::filesystem::path& dir, const PackContent& content);
    // Drops entries for directories other than `keep`, and writes the
    // index (atomically, owner-only) when anything changed. A failure to
    // write is logged: the next command reads the packs again.
    void save(const std::vector<std::filesystem::path>& keep);

private:
    std::filesystem::path file_;
    std::string build_;
    std::map<std::string, std::string> packs_;  // by directory: its lines, as written
    bool changed_ = false;
};

// The build an index belongs to: this executable's stamp and `abi`.
std::string index_build(AbiVersion abi);

}  // namespace packhost::packs
