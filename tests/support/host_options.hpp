#pragma once
// A host as most tests want one: the fixture packs and the bundled ones, a
// SQLite store and a key for secrets in the test's own folder.
#include <filesystem>

#include "host.hpp"

namespace packhost::testing {

inline HostOptions fixture_host_options(const std::filesystem::path& dir) {
    HostOptions o;
    o.packs_path = {FIXTURE_PACKS_DIR, BUNDLED_PACKS_DIR};
    o.store_file = dir / "packhost.db";
    o.key_file = dir / "packhost.key";
    return o;
}

}  // namespace packhost::testing
