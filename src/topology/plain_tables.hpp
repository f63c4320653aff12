// [[tenant]] tables in the plain form certplan itself writes (`tenant add`, bench/plan_scale.py),
// read without toml++. Issue 18: toml++ builds a tree of nodes for every table and was about
// half the CPU of loading a hoster's 100,000 tenants; these tables are the bulk of such a file.
//
// Why a reader of our own beside a well-kept library: it reads a strict subset of TOML 1.0, one
// line per key, where reading is a matter of finding quotes, and it says "not plain" for
// anything else, which toml++ then reads as before (Loader::load_tenant_chunks). A table it
// accepts has the keys and string values toml++ gives it (tests/unit/test_plain_tables.cpp
// holds the two readings equal on generated and mutated tables).
//
// The plain form, per line (TOML whitespace is space and tab; a line ends in LF or CRLF):
//   [[tenant]]                      the header, alone on its line but for blanks and a comment
//   name = "..."                    name, webmail: a basic string of printable ASCII without
//   webmail = "..."                 '"' or '\' (so no escape and no control character)
//   domains = ["...", "..."]        one line, an optional trailing comma
//   # comment / blank line          a comment of tabs and printable ASCII
// Each key at most once per table. Anything else (another key, a dotted or quoted key, a
// literal or multi-line string, an escape, a non-ASCII byte, a lone CR, a value over several
// lines) is not plain.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace certplan::detail {

struct PlainTable {
  unsigned line = 0;   // of the header, 1-based within the text read
  unsigned column = 0; // of the header's first '[' (where toml++ puts a table's source)
  std::string_view name, webmail;
  std::vector<std::string_view> domains; // views into the text, quotes excluded
  bool has_name = false, has_domains = false, has_webmail = false;
};

// Reads consecutive [[tenant]] tables from the start of `text`, one at a time.
class PlainTables {
public:
  explicit PlainTables(std::string_view text) : m_text(text) {}

  enum class Step { table, end, not_plain };
  // The next table into `t` (its vectors keep their capacity); `end` once the text is read.
  Step next(PlainTable& t);

private:
  std::string_view m_text;
  std::size_t m_pos = 0;
  unsigned m_line = 1;
};

} // namespace certplan::detail
