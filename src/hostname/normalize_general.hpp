// normalize_host's general path (hostname.cpp), which normalize_host skips for a name already
// in normal form; apart so that a test can hold the two paths equal.
#pragma once

#include <certplan/hostname.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace certplan::detail {

std::optional<HostName> normalize_host_general(std::string_view text, std::string& why);

} // namespace certplan::detail
