#pragma once
#include <stdexcept>
#include <string>

namespace packhost::packs {

// Why a pack was refused. The message names the file (or library) and the
// field: "packs/foo/pack.yaml: version \"1.0\" is not semver".
class PackError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace packhost::packs
