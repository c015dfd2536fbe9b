// Which process owns an unfinished execution, and whether it still runs:
// "pid:starttime", the start time (in clock ticks since boot, from
// /proc/PID/stat) telling a live process from a reused pid.
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "store/store.hpp"

namespace packhost::store {
namespace {

// The start time of a running process; empty when there is none, or only
// its zombie (it has exited; nobody reaped it yet).
std::string start_time_of(long pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) return "";
    size_t close = line.rfind(')');
    if (close == std::string::npos) return "";
    std::istringstream fields(line.substr(close + 2));
    std::string f;
    for (int i = 0; i < 20 && fields >> f; ++i) {
        if (i == 0 && (f == "Z" || f == "X")) return "";  // field 3: the state
        if (i == 19) return f;                            // field 22 of stat(5)
    }
    return "";
}

}  // namespace

std::string process_identity(long pid) {
    std::string start = start_time_of(pid);
    return start.empty() ? std::string() : std::to_string(pid) + ":" + start;
}

const std::string& this_process_owner() {
    static const std::string owner = std::to_string(::getpid()) + ":" + start_time_of(::getpid());
    return owner;
}

bool owner_alive(const std::string& owner) {
    size_t colon = owner.find(':');
    if (colon == std::string::npos) return false;
    long pid = std::strtol(owner.c_str(), nullptr, 10);
    if (pid <= 0) return false;
    std::string start = start_time_of(pid);
    return !start.empty() && start == owner.substr(colon + 1);
}

}  // namespace packhost::store
