#include "clouds_yaml.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace openstack {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

// Scalars stay strings: the reader of each key decides ("false", "30").
json to_json(const YAML::Node& node) {
    switch (node.Type()) {
    case YAML::NodeType::Map: {
        json out = json::object();
        for (const auto& kv : node) out[kv.first.as<std::string>()] = to_json(kv.second);
        return out;
    }
    case YAML::NodeType::Sequence: {
        json out = json::array();
        for (const auto& item : node) out.push_back(to_json(item));
        return out;
    }
    case YAML::NodeType::Scalar: return node.as<std::string>();
    default: return nullptr;
    }
}

// openstacksdk's search: the variable's file, then the working folder, the
// user's and the site's folders; the first that exists wins.
std::vector<fs::path> candidates(const char* env, const std::string& stem) {
    std::vector<fs::path> out;
    if (const char* f = std::getenv(env); f && *f) out.emplace_back(f);
    std::vector<fs::path> dirs = {fs::current_path()};
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
        dirs.push_back(fs::path(xdg) / "openstack");
    } else if (const char* home = std::getenv("HOME"); home && *home) {
        dirs.push_back(fs::path(home) / ".config" / "openstack");
    }
    dirs.emplace_back("/etc/openstack");
    for (const auto& d : dirs)
        for (const char* suffix : {".yaml", ".yml", ".json"}) out.push_back(d / (stem + suffix));
    return out;
}

struct Found {
    fs::path path;
    json content;
};

Found load_first(const char* env, const std::string& stem, std::string& searched) {
    for (const auto& p : candidates(env, stem)) {
        searched += (searched.empty() ? "" : ", ") + p.string();
        std::error_code ec;
        if (!fs::is_regular_file(p, ec)) continue;
        try {
            return {p, to_json(YAML::LoadFile(p.string()))};  // JSON is YAML
        } catch (const YAML::Exception& e) {
            throw std::invalid_argument(p.string() + ": not YAML: " + e.what());
        }
    }
    return {};
}

void merge(json& into, const json& over) {
    for (auto it = over.begin(); it != over.end(); ++it) {
        if (it->is_object() && into.contains(it.key()) && into[it.key()].is_object()) {
            merge(into[it.key()], *it);
        } else {
            into[it.key()] = *it;
        }
    }
}

}  // namespace

namespace {

json read_cloud(const std::string& name) {
    std::string searched, secure_searched;
    Found clouds = load_first("OS_CLIENT_CONFIG_FILE", "clouds", searched);
    Found secure = load_first("OS_CLIENT_SECURE_FILE", "secure", secure_searched);
    auto entry = [&](const Found& f) -> json {
        if (!f.content.is_object() || !f.content.contains("clouds")) return nullptr;
        const json& all = f.content["clouds"];
        return all.is_object() && all.contains(name) ? all[name] : json(nullptr);
    };
    json cloud = entry(clouds);
    if (cloud.is_null()) {
        if (clouds.path.empty())
            throw std::invalid_argument("cloud: '" + name + "' but no clouds.yaml (looked for " + searched + ")");
        std::string have;
        if (clouds.content.is_object() && clouds.content.contains("clouds") && clouds.content["clouds"].is_object())
            for (auto it = clouds.content["clouds"].begin(); it != clouds.content["clouds"].end(); ++it)
                have += (have.empty() ? "" : ", ") + it.key();
        throw std::invalid_argument("cloud: no cloud '" + name + "' in " + clouds.path.string() +
                                    " (it has: " + (have.empty() ? "none" : have) + ")");
    }
    if (!cloud.is_object())
        throw std::invalid_argument(clouds.path.string() + ": clouds." + name + " is not a mapping");
    if (json s = entry(secure); s.is_object()) merge(cloud, s);
    return cloud;
}

}  // namespace

json find_cloud(const std::string& name) {
    // Read once per process, as the openstack CLI reads it once per run:
    // every execution asks, and the files are searched and parsed only the
    // first time (a changed clouds.yaml applies after a restart, like the
    // pack's config). The variables that pick the files are part of the key.
    auto env = [](const char* v) { return std::string(std::getenv(v) ? std::getenv(v) : ""); };
    std::string key = name + '\n' + env("OS_CLIENT_CONFIG_FILE") + '\n' + env("OS_CLIENT_SECURE_FILE");
    static std::mutex mu;
    static std::map<std::string, json> read;
    std::lock_guard lock(mu);
    auto it = read.find(key);
    if (it == read.end()) it = read.emplace(key, read_cloud(name)).first;
    return it->second;
}

}  // namespace openstack
