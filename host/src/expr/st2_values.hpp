#pragma once

namespace packhost::expr {

// What StackStorm's `use_none` filter renders for None, so that a rendered
// parameter can turn back into null (st2common/constants/jinja.py).
inline constexpr const char* kNoneMagic = "%*****__%NONE%__*****%";

}  // namespace packhost::expr
