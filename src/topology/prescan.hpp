// The lexical pass over a topology's text before toml++ sees it (prescan.cpp): the limits
// toml++ cannot enforce itself, and where each top-level table header starts.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace certplan::detail {

// Where the top-level table headers are: the text between a `[[tenant]]` header and the next
// header is one tenant's table, which toml++ can parse on its own (Loader::load_split).
struct Header {
  std::size_t offset = 0; // of the header's line (indentation included, so columns stay)
  unsigned line = 0;       // 1-based
  bool tenant = false;     // exactly [[tenant]]
};
struct Layout {
  std::vector<Header> headers;
  std::size_t tenants = 0;
  bool simple = true; // no header but [[tenant]] itself names the tenant array or quotes a key
  unsigned lines = 1;  // line breaks in the text, plus one
};

// Notes the header that starts at text[i] (a '[' first on its line), on line `line`.
void note_header(std::string_view text, std::size_t i, unsigned line, Layout& layout);

// Throws certplan::Error (input, at `path`'s position) for a dotted key of too many parts or
// more than `max_tenants` [[tenant]] tables (with Limit::tenants); returns the headers' layout.
Layout prescan(std::string_view text, const std::string& path, std::size_t max_tenants);

} // namespace certplan::detail
