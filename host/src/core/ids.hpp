#pragma once
#include <string>

namespace packhost::core {

// A new 24-hex-character id, shaped like StackStorm's (MongoDB ObjectId):
// 4 bytes of seconds since the epoch, 5 random bytes fixed per process, and a
// 3-byte counter. Ids sort by creation second and never repeat in a process.
// Thread-safe.
std::string new_id();

// True for 24 lowercase hex characters.
bool is_id(const std::string& text);

}  // namespace packhost::core
