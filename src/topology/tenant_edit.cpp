// The two edits of `certplan tenant add|remove` read without parsing the edited text whole
// (issue 18: one [[tenant]] table among 100,000 cost two more parses of the file), and the
// byte range a removal deletes. Each fast reading gives exactly what parse_topology gives for
// the edited text, or nullopt wherever it cannot be sure of that: the caller then parses the
// edited text whole, which also words any error exactly as it always did.
#include <certplan/error.hpp>
#include <certplan/load.hpp>

#include "topology/loader.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <set>

namespace certplan {
namespace detail {
namespace {

class Lines {
public:
  explicit Lines(std::string_view text) : m_text(text) {
    m_starts.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n' && i + 1 < text.size()) {
        m_starts.push_back(i + 1);
      }
    }
  }
  std::size_t count() const { return m_starts.size(); }
  // Line `k` (1-based) is the bytes [begin(k), end(k)), its "\n" included.
  std::size_t begin(std::size_t k) const { return m_starts[k - 1]; }
  std::size_t end(std::size_t k) const { return k < m_starts.size() ? m_starts[k] : m_text.size(); }
  std::string_view line(std::size_t k) const { return m_text.substr(begin(k), end(k) - begin(k)); }
  // The line holding byte `offset`.
  std::size_t line_of(std::size_t offset) const {
    return static_cast<std::size_t>(std::upper_bound(m_starts.begin(), m_starts.end(), offset) - m_starts.begin());
  }

  bool blank(std::size_t k) const { return first_char(k) == '\0'; }
  bool comment(std::size_t k) const { return first_char(k) == '#'; }
  bool header(std::size_t k) const { return first_char(k) == '['; }

private:
  char first_char(std::size_t k) const {
    for (const char c : line(k)) {
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        return c;
      }
    }
    return '\0';
  }

  std::string_view m_text;
  std::vector<std::size_t> m_starts;
};

// The last line any value of `n` (or of a table inside it) ends on.
std::size_t last_value_line(const toml::node& n) {
  std::size_t last = n.source().end.line;
  if (const auto* t = n.as_table()) {
    for (const auto& [k, v] : *t) {
      last = std::max(last, last_value_line(v));
    }
  } else if (const auto* a = n.as_array()) {
    for (const auto& e : *a) {
      last = std::max(last, last_value_line(e));
    }
  }
  return last;
}

// Lines holding a [table] or [[array]] header, except those of `skip` and its sub-tables.
// A table's source begins at its header; tables made by dotted keys begin at the key line
// instead, hence the look at the line itself.
void header_lines(const toml::node& n, const toml::table* skip, const Lines& lines, std::set<std::size_t>& out) {
  if (const auto* t = n.as_table()) {
    if (t == skip || t->is_inline()) {
      return;
    }
    const std::size_t line = t->source().begin.line;
    if (line >= 1 && line <= lines.count() && lines.header(line)) {
      out.insert(line);
    }
    for (const auto& [k, v] : *t) {
      header_lines(v, skip, lines, out);
    }
  } else if (const auto* a = n.as_array()) {
    for (const auto& e : *a) {
      header_lines(e, skip, lines, out);
    }
  }
}

// What a removal deletes, one rule for both readings (tenant_block): from the header line to
// the line before the next header (`last`), less the comments and blank lines that end it, as
// they introduce what follows (never above the table's last value, `floor`), plus one blank
// line directly above the header.
std::pair<std::size_t, std::size_t> block_range(const Lines& lines, std::size_t header, std::size_t last,
                                                std::size_t floor) {
  floor = std::max(header, floor);
  while (last > floor && (lines.blank(last) || lines.comment(last))) {
    --last;
  }
  std::size_t begin = lines.begin(header);
  if (header > 1 && lines.blank(header - 1)) {
    begin = lines.begin(header - 1);
  }
  return {begin, lines.end(last)};
}

bool same_tenant(const Tenant& a, const Tenant& b) {
  return a.name == b.name && a.domains.size() == b.domains.size() &&
         std::equal(a.domains.begin(), a.domains.end(), b.domains.begin(),
                    [](const HostName& x, const HostName& y) { return x.ascii == y.ascii && x.display == y.display; }) &&
         a.webmail.has_value() == b.webmail.has_value() &&
         (!a.webmail || (a.webmail->ascii == b.webmail->ascii && a.webmail->display == b.webmail->display)) &&
         a.pos.file == b.pos.file && a.pos.line == b.pos.line && a.pos.column == b.pos.column;
}

} // namespace

// Whether `before`'s tenant array is written as [[tenant]] tables alone, one per tenant:
// then a [[tenant]] table appended, or one cut out, changes that array and nothing else.
// Lexically (the prescan), so that the text is not parsed again.
// `scanned` is the text's layout if the caller has it; else it is scanned into `own`.
const Layout* Loader::tenant_layout(const Topology& before, std::string_view text, const Layout* scanned,
                                    Layout& own) const {
  if (before.organization.model != Model::hosted || !before.hosting || before.tenants.empty()) {
    return nullptr;
  }
  if (scanned == nullptr) {
    own = prescan(text, path(), m_limits.max_tenants);
  }
  const Layout& layout = scanned != nullptr ? *scanned : own;
  // A file that loaded with as many [[tenant]] headers as tenants defines `tenant` by them
  // alone: a static array or a dotted key beside them does not load (TOML 1.0).
  if (!layout.simple || layout.tenants != before.tenants.size()) {
    return nullptr;
  }
  return &layout;
}

// One [[tenant]] table alone, read as load_tenant_chunks reads its chunks; nullopt when
// `text` holds anything else.
std::optional<Tenant> Loader::lone_tenant(std::string_view text, const Topology& topo, unsigned line_offset,
                                          std::size_t* last_line) const {
  const toml::table root = toml::parse(text, path());
  const toml::array* list = root.size() == 1 ? root.get_as<toml::array>("tenant") : nullptr;
  const toml::table* t = list != nullptr && list->size() == 1 ? list->get(0)->as_table() : nullptr;
  if (t == nullptr || t->is_inline()) {
    return std::nullopt;
  }
  refuse_controls(*t, "tenant");
  if (last_line != nullptr) {
    *last_line = last_value_line(*t) + line_offset;
  }
  return read_tenant(*t, topo, line_offset);
}

std::optional<Tenant> Loader::load_appended(const Topology& before, std::string_view text, std::string_view appended,
                                            const Layout* scanned) const {
  if (before.tenants.size() >= m_limits.max_tenants) {
    return std::nullopt;
  }
  // The appended text is blank lines, then one [[tenant]] table, starting on a line of its own.
  const Layout added = prescan(appended, path(), m_limits.max_tenants);
  if (!added.simple || added.tenants != 1 || added.headers.size() != 1 ||
      appended.substr(0, added.headers[0].offset).find_first_not_of(" \t\r\n") != std::string_view::npos ||
      (!text.empty() && !text.ends_with('\n') && !appended.starts_with('\n') && !appended.starts_with("\r\n"))) {
    return std::nullopt;
  }
  Layout own;
  const Layout* layout = tenant_layout(before, text, scanned, own);
  if (layout == nullptr) {
    return std::nullopt;
  }
  const unsigned lines_before = layout->lines - 1; // the line breaks in `text`
  std::optional<Tenant> tn = lone_tenant(appended, before, lines_before, nullptr);
  if (!tn) {
    return std::nullopt;
  }
  // What load_tenants refuses across tenants: a name, a domain or a webmail host used twice.
  // The whole parse says which and where.
  const auto taken = [&](const HostName& d) {
    return d == before.hosting->provider_domain ||
           std::any_of(before.forests.begin(), before.forests.end(), [&](const Forest& f) {
             return std::find(f.smtp_domains.begin(), f.smtp_domains.end(), d) != f.smtp_domains.end();
           });
  };
  if (std::any_of(tn->domains.begin(), tn->domains.end(), taken)) {
    return std::nullopt;
  }
  for (const auto& t : before.tenants) {
    if (t.name == tn->name || (t.webmail && tn->webmail && *t.webmail == *tn->webmail)) {
      return std::nullopt;
    }
    for (const auto& d : t.domains) {
      if (std::find(tn->domains.begin(), tn->domains.end(), d) != tn->domains.end()) {
        return std::nullopt;
      }
    }
  }
  // check_model and check_unique_names judge the sites, forests and services, which a tenant
  // table does not change: `before` passed them, and so does the edited text.
  return tn;
}

std::optional<TenantCut> Loader::load_cut(const Topology& before, std::string_view text, std::size_t index,
                                          const Layout* scanned) const {
  // Removing the last tenant leaves no tenant array at all: the whole parse decides.
  if (index >= before.tenants.size() || before.tenants.size() < 2) {
    return std::nullopt;
  }
  Layout own;
  const Layout* layout = tenant_layout(before, text, scanned, own);
  if (layout == nullptr) {
    return std::nullopt;
  }
  const auto& headers = layout->headers;
  std::size_t k = 0; // the header of tenant `index`: the array is in file order
  for (std::size_t seen = 0; k < headers.size(); ++k) {
    if (headers[k].tenant && seen++ == index) {
      break;
    }
  }
  // Only tenant tables after it, so the lines cut move nothing but tenants' positions.
  if (k == headers.size() ||
      std::any_of(headers.begin() + static_cast<long>(k) + 1, headers.end(), [](const Header& h) { return !h.tenant; })) {
    return std::nullopt;
  }
  const std::size_t from = headers[k].offset;
  const std::size_t to = k + 1 < headers.size() ? headers[k + 1].offset : text.size();
  const Lines lines(text); // one pass: the header's line, the next header's, the range's
  const std::size_t header = lines.line_of(from); // `from` starts a line (note_header)
  const auto line_offset = static_cast<unsigned>(header - 1);
  std::size_t last_value = 0;
  const auto tn = lone_tenant(text.substr(from, to - from), before, line_offset, &last_value);
  if (!tn || !same_tenant(*tn, before.tenants[index])) {
    return std::nullopt;
  }
  const std::size_t last = to == text.size() ? lines.count() : lines.line_of(to) - 1;
  TenantCut cut;
  std::tie(cut.begin, cut.end) = block_range(lines, header, last, last_value);
  const auto cut_lines = static_cast<std::uint32_t>(
      std::count(text.begin() + static_cast<long>(cut.begin), text.begin() + static_cast<long>(cut.end), '\n'));
  cut.topology = before;
  auto& tenants = cut.topology.tenants;
  tenants.erase(tenants.begin() + static_cast<long>(index));
  for (std::size_t i = index; i < tenants.size(); ++i) {
    tenants[i].pos.line -= cut_lines;
  }
  check_model(cut.topology);
  check_unique_names(cut.topology);
  return cut;
}

} // namespace detail

namespace {

// A fast reading, or nullopt where anything in it went wrong: the whole parse says what.
template <typename Read>
auto or_whole_parse(const Read& read) -> decltype(read()) {
  try {
    return read();
  } catch (const Error&) {
  } catch (const toml::parse_error&) {
  }
  return std::nullopt;
}

} // namespace

std::optional<Tenant> parse_appended_tenant(const Topology& before, std::string_view text, std::string_view appended,
                                            const ClientCatalog& clients, const InputLimits& limits,
                                            const TextLayout& layout) {
  return or_whole_parse([&] {
    return detail::Loader(before.path, clients, limits).load_appended(before, text, appended, layout.get());
  });
}

std::optional<TenantCut> cut_tenant(const Topology& before, std::string_view text, std::size_t index,
                                    const ClientCatalog& clients, const InputLimits& limits, const TextLayout& layout) {
  return or_whole_parse(
      [&] { return detail::Loader(before.path, clients, limits).load_cut(before, text, index, layout.get()); });
}

std::pair<std::size_t, std::size_t> tenant_block(std::string_view text, const std::string& path, std::string_view name) {
  using detail::Lines;
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(path));
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw_input({path, b.line == 0 ? 1 : b.line, b.line == 0 ? 1 : b.column},
                fmt::format("TOML syntax: {}", e.description()));
  }
  const toml::table* target = nullptr;
  if (const auto* list = root.get_as<toml::array>("tenant")) {
    for (const auto& e : *list) {
      const auto* t = e.as_table();
      const auto* n = t != nullptr ? t->get_as<std::string>("name") : nullptr;
      if (n != nullptr && n->get() == name) {
        target = t;
        break;
      }
    }
  }
  if (target == nullptr) {
    throw Error(ErrorKind::input, fmt::format("tenant remove: no tenant '{}' in {}; nothing written", name, path));
  }
  const Lines lines(text);
  const std::size_t header = target->source().begin.line;
  if (target->is_inline() || header == 0 || header > lines.count() || !lines.header(header)) {
    throw Error(ErrorKind::input,
                fmt::format("tenant remove: tenant '{}' is not written as a [[tenant]] table of its own; remove it "
                            "by hand; nothing written",
                            name),
                SourcePos{path, target->source().begin.line, target->source().begin.column});
  }
  std::set<std::size_t> headers;
  detail::header_lines(root, target, lines, headers);
  const auto next = headers.upper_bound(header);
  return detail::block_range(lines, header, next == headers.end() ? lines.count() : *next - 1,
                             detail::last_value_line(*target));
}

} // namespace certplan
