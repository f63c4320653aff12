// Files from data/ and templates/ compiled into the binary (tools/embed.py), so the
// program works from any directory.
#pragma once

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace certplan {

// (path relative to the repository, contents), sorted by path.
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_resources();
std::optional<std::string_view> embedded_resource(std::string_view path);

} // namespace certplan
