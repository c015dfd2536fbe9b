#pragma once
#include <filesystem>
#include <memory>

#include "actions/action.hpp"

namespace packhost::actions {

std::shared_ptr<const Runner> make_local_shell_cmd();
std::shared_ptr<const Runner> make_local_shell_script(const std::filesystem::path& script);
std::shared_ptr<const Runner> make_noop();

}  // namespace packhost::actions
