#pragma once
#include <string>
#include <vector>

namespace packhost::store::sqlite {

// Schema migrations in order; migration i brings PRAGMA user_version from i
// to i+1. Append only: a released migration is never edited.
const std::vector<std::string>& migrations();

}  // namespace packhost::store::sqlite
