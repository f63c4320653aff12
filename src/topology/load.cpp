// Topology loader: TOML (toml++) -> certplan::Topology. The only file that sees toml++
// types for topologies; every error names file:line:col and what was expected.
#include <certplan/clients.hpp>
#include <certplan/io.hpp>
#include <certplan/load.hpp>
#include <certplan/quote.hpp>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <array>
#include <map>
#include <atomic>
#include <functional>
#include <optional>
#include <span>
#include <system_error>
#include <thread>
#include <unordered_set>
#include <unordered_map>

namespace certplan {
namespace {

using Keys = std::span<const std::string_view>;

std::string_view type_name(toml::node_type t) {
  switch (t) {
  case toml::node_type::table: return "a table";
  case toml::node_type::array: return "an array";
  case toml::node_type::string: return "a string";
  case toml::node_type::integer: return "an integer";
  case toml::node_type::floating_point: return "a float";
  case toml::node_type::boolean: return "a boolean";
  case toml::node_type::date: return "a date";
  case toml::node_type::time: return "a time";
  case toml::node_type::date_time: return "a date-time";
  default: return "nothing";
  }
}

bool valid_ip(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

template <typename E, std::size_t N>
std::string choices(const std::array<std::pair<std::string_view, E>, N>& table) {
  std::string out;
  for (const auto& [name, e] : table) {
    out += out.empty() ? "" : " | ";
    out += name;
  }
  return out;
}

constexpr std::array<std::string_view, 7> k_root_keys = {"schema", "organization", "forest", "site",
                                                         "services", "clients", "certificates"};
constexpr std::array<std::string_view, 3> k_root_keys2 = {"hosting", "tenant", "installed"};
constexpr std::array<std::string_view, 3> k_org_keys = {"name", "exchange", "model"};
constexpr std::array<std::string_view, 3> k_forest_keys = {"name", "ad_domain", "smtp_domains"};
constexpr std::array<std::string_view, 6> k_site_keys = {"name", "forest", "internet_facing", "namespace",
                                                         "legacy_namespace", "server"};
constexpr std::array<std::string_view, 5> k_server_keys = {"name", "fqdn", "roles", "ip", "secondary_ip"};
constexpr std::array<std::string_view, 12> k_service_keys = {"owa", "ecp", "ews", "oab", "activesync",
                                                             "outlook_anywhere", "mapi", "autodiscover",
                                                             "pop3", "imap4", "smtp", "um"};
constexpr std::array<std::string_view, 1> k_protocol_keys = {"host"};
constexpr std::array<std::string_view, 1> k_client_keys = {"supported"};
constexpr std::array<std::string_view, 8> k_cert_keys = {"strategy", "authority", "max_names", "key",
                                                         "autodiscover", "include_internal_names",
                                                         "include_server_fqdn", "subject"};
constexpr std::array<std::string_view, 5> k_subject_keys = {"country", "state", "locality", "organization",
                                                            "unit"};
constexpr std::array<std::string_view, 4> k_hosting_keys = {"provider_domain", "autodiscover", "redirect_host",
                                                            "webmail_redirect_host"};
constexpr std::array<std::string_view, 3> k_tenant_keys = {"name", "domains", "webmail"};
constexpr std::array<std::string_view, 4> k_installed_keys = {"file", "services", "sites", "own_address"};

constexpr std::array<std::pair<std::string_view, ExchangeVersion>, 6> k_versions = {{
    {"2007", ExchangeVersion::v2007},
    {"2010", ExchangeVersion::v2010},
    {"2013", ExchangeVersion::v2013},
    {"2016", ExchangeVersion::v2016},
    {"2019", ExchangeVersion::v2019},
    {"se", ExchangeVersion::se},
}};
constexpr std::array<std::pair<std::string_view, Model>, 6> k_models = {{
    {"consolidated", Model::consolidated},
    {"proxy-sites", Model::proxy_sites},
    {"multisite-single-namespace", Model::multisite_single_namespace},
    {"regional", Model::regional},
    {"multi-forest", Model::multi_forest},
    {"hosted", Model::hosted},
}};
constexpr std::array<std::pair<std::string_view, Strategy>, 4> k_strategies = {{
    {"auto", Strategy::auto_},
    {"san", Strategy::san},
    {"wildcard", Strategy::wildcard},
    {"single-name", Strategy::single_name},
}};
constexpr std::array<std::pair<std::string_view, Authority>, 3> k_authorities = {{
    {"public", Authority::public_},
    {"enterprise", Authority::enterprise},
    {"self-signed", Authority::self_signed},
}};
constexpr std::array<std::pair<std::string_view, AutodiscoverMethod>, 3> k_ad_methods = {{
    {"san", AutodiscoverMethod::san},
    {"srv", AutodiscoverMethod::srv},
    {"redirect", AutodiscoverMethod::redirect},
}};
// R10: what the BR allows (P-521 is an extension of topology.md's list).
constexpr std::array<std::pair<std::string_view, int>, 6> k_keys = {{
    {"rsa:2048", 0},
    {"rsa:3072", 0},
    {"rsa:4096", 0},
    {"ecdsa:p256", 0},
    {"ecdsa:p384", 0},
    {"ecdsa:p521", 0},
}};
constexpr std::array<std::pair<std::string_view, int>, 5> k_roles = {{
    {"client-access", 0},
    {"mailbox", 0},
    {"hub-transport", 0},
    {"edge", 0},
    {"um", 0},
}};
constexpr std::array<std::pair<std::string_view, int>, 5> k_installed_services = {{
    {"iis", 0},
    {"smtp", 0},
    {"pop", 0},
    {"imap", 0},
    {"um", 0},
}};

// Below this many tenants the whole file is parsed at once (a split would gain nothing).
constexpr std::size_t k_split_min_tenants = 512;
constexpr std::size_t k_chunk_tenants = 2048;
constexpr unsigned k_max_threads = 4;

struct Layout;

class Loader {
public:
  Loader(std::string path, const ClientCatalog& clients, const InputLimits& limits)
      : m_path(std::move(path)), m_clients(clients), m_limits(limits) {}

  Topology load(std::string_view text);

private:
  SourcePos pos(const toml::source_region& r) const {
    if (r.begin.line == 0) {
      return {m_path, 1, 1};
    }
    return {m_path, r.begin.line, r.begin.column};
  }
  SourcePos pos(const toml::node& n) const { return pos(n.source()); }

  [[noreturn]] void fail(const toml::node& n, std::string msg) const { throw_input(pos(n), std::move(msg)); }

  void check_keys(const toml::table& t, Keys allowed, Keys allowed2, std::string_view where) const {
    for (const auto& [k, v] : t) {
      const std::string_view name = k.str();
      const bool ok = std::find(allowed.begin(), allowed.end(), name) != allowed.end() ||
                      std::find(allowed2.begin(), allowed2.end(), name) != allowed2.end();
      if (!ok) {
        std::string list;
        for (const Keys ks : {allowed, allowed2}) {
          for (const auto a : ks) {
            if (!a.empty()) {
              list += list.empty() ? "" : ", ";
              list += a;
            }
          }
        }
        throw_input(pos(k.source()), fmt::format("unknown key '{}' in {}; allowed keys: {}", name, where, list));
      }
    }
  }
  void check_keys(const toml::table& t, Keys allowed, std::string_view where) const {
    check_keys(t, allowed, Keys{}, where);
  }

  const toml::node& require(const toml::table& t, std::string_view key, std::string_view where) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      fail(t, fmt::format("missing required key '{}' in {}", key, where));
    }
    return *n;
  }

  void expect(const toml::node& n, toml::node_type type, std::string_view key) const {
    if (n.type() != type) {
      fail(n, fmt::format("'{}' must be {}, not {}", key, type_name(type), type_name(n.type())));
    }
  }

  std::string string(const toml::node& n, std::string_view key) const {
    expect(n, toml::node_type::string, key);
    return std::string(n.as_string()->get());
  }
  std::string nonempty_string(const toml::node& n, std::string_view key) const {
    std::string s = string(n, key);
    if (s.empty()) {
      fail(n, fmt::format("'{}' must not be empty", key));
    }
    return s;
  }
  bool boolean(const toml::node& n, std::string_view key) const {
    expect(n, toml::node_type::boolean, key);
    return n.as_boolean()->get();
  }
  std::int64_t integer(const toml::node& n, std::string_view key) const {
    expect(n, toml::node_type::integer, key);
    return n.as_integer()->get();
  }
  const toml::table& table(const toml::node& n, std::string_view key) const {
    expect(n, toml::node_type::table, key);
    return *n.as_table();
  }
  const toml::array& array(const toml::node& n, std::string_view key) const {
    expect(n, toml::node_type::array, key);
    return *n.as_array();
  }
  // A [[name]] list: an array whose elements are tables.
  std::vector<const toml::table*> tables(const toml::node& n, std::string_view key) const {
    std::vector<const toml::table*> out;
    for (const auto& e : array(n, key)) {
      out.push_back(&table(e, key));
    }
    return out;
  }

  template <typename E, std::size_t N>
  E choice(const toml::node& n, std::string_view key, const std::array<std::pair<std::string_view, E>, N>& table) const {
    const std::string s = string(n, key);
    for (const auto& [name, e] : table) {
      if (name == s) {
        return e;
      }
    }
    fail(n, fmt::format("'{}' must be one of {}, not \"{}\"", key, choices(table), s));
  }

  HostName host(const toml::node& n, std::string_view key) const {
    const std::string s = string(n, key);
    std::string why;
    auto h = normalize_host(s, why);
    if (!h) {
      // Quoted and escaped as TOML writes it, so a NUL or a line break in the value shows as
      // \u0000 or \n in the message instead of reaching the terminal.
      fail(n, fmt::format("invalid host name {} for '{}': {}", quote::toml_basic(s), key, why));
    }
    return *h;
  }

  std::vector<HostName> host_list(const toml::node& n, std::string_view key, bool required_nonempty) const {
    const auto& arr = array(n, key);
    if (required_nonempty && arr.empty()) {
      fail(n, fmt::format("'{}' needs at least one name", key));
    }
    std::vector<HostName> out;
    for (const auto& e : arr) {
      HostName h = host(e, key);
      if (std::find(out.begin(), out.end(), h) != out.end()) {
        fail(e, fmt::format("\"{}\" is listed twice in '{}'", h.display, key));
      }
      out.push_back(std::move(h));
    }
    return out;
  }

  std::string ip(const toml::node& n, std::string_view key) const {
    std::string s = string(n, key);
    if (!valid_ip(s)) {
      fail(n, fmt::format("'{}' must be an IPv4 or IPv6 address, not \"{}\"", key, s));
    }
    return s;
  }

  void refuse_controls(const toml::node& n, std::string_view key) const;
  void load_organization(const toml::table& root, Topology& topo) const;
  void load_forests(const toml::table& root, Topology& topo) const;
  void load_sites(const toml::table& root, Topology& topo) const;
  Server load_server(const toml::table& t) const;
  void load_services(const toml::table& root, Topology& topo) const;
  void load_clients(const toml::table& root, Topology& topo) const;
  void load_certificates(const toml::table& root, Topology& topo) const;
  void load_hosting(const toml::table& root, Topology& topo) const;
  void load_tenants(const toml::table& root, Topology& topo) const;
  struct Chunk {
    std::size_t begin = 0, end = 0; // byte range of consecutive [[tenant]] tables
    unsigned line_offset = 0;       // lines before `begin`
    std::size_t tenants = 0;
  };
  std::optional<Topology> load_split(std::string_view text, const Layout& layout) const;
  bool load_tenant_chunks(std::string_view text, const std::vector<Chunk>& chunks, Topology& topo) const;
  Tenant read_tenant(const toml::table& t, const Topology& topo, unsigned line_offset) const;
  Topology build(const toml::table& root, const std::function<bool(Topology&)>* split_tenants) const;
  void load_installed(const toml::table& root, Topology& topo) const;
  void check_model(const Topology& topo) const;
  void check_unique_names(const Topology& topo) const;

  std::string m_path;
  const ClientCatalog& m_clients;
  InputLimits m_limits;
  mutable SourcePos m_root_pos;
};

// Where the top-level table headers are: the text between a `[[tenant]]` header and the next
// header is one tenant's table, which toml++ can parse on its own (load_split).
struct Header {
  std::size_t offset = 0; // of the header's line (indentation included, so columns stay)
  bool tenant = false; // exactly [[tenant]]
};
struct Layout {
  std::vector<Header> headers;
  std::size_t tenants = 0;
  bool simple = true; // no header but [[tenant]] itself names the tenant array or quotes a key
};

void note_header(std::string_view text, std::size_t i, Layout& layout) {
  const auto skip = [&](std::size_t k) {
    while (k < text.size() && (text[k] == ' ' || text[k] == '\t')) {
      ++k;
    }
    return k;
  };
  const bool array = text.substr(i).starts_with("[[");
  const std::size_t k = skip(i + (array ? 2 : 1));
  const std::string_view rest = text.substr(k);
  std::size_t begin = i; // only blanks before a header on its line
  while (begin > 0 && text[begin - 1] != '\n') {
    --begin;
  }
  Header h{begin, false};
  if (rest.starts_with("tenant")) {
    h.tenant = array && text.substr(skip(k + 6)).starts_with("]]");
    layout.simple = layout.simple && h.tenant;
  } else if (rest.starts_with("\"") || rest.starts_with("'")) {
    layout.simple = false; // a quoted key may name anything; the whole-file parse decides
  }
  layout.tenants += h.tenant ? 1 : 0;
  layout.headers.push_back(h);
}

// A lexical pass before toml++ sees the text, skipping strings and comments:
// - toml++ 3.3 recurses once per part of a dotted key, so a header like [a.a.a...] with
//   50,000 parts overflows the stack before it can report anything; topologies need 3 parts;
// - a million [[tenant]] tables cost toml++ 700 MB before the loader could count them, so
//   the tenant limit is enforced here first (and again on the parsed tables).
// - it also notes where each top-level table header starts (the layout load_split uses).
Layout prescan(std::string_view text, const std::string& path, std::size_t max_tenants) {
  Layout layout;
  constexpr unsigned k_max_parts = 64;
  std::size_t tenants = 0;
  bool line_start = true;
  enum class In { code, comment, basic, literal, ml_basic, ml_literal } in = In::code;
  unsigned dots = 0;
  unsigned line = 1;
  unsigned col = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    ++col;
    const bool triple = i + 2 < text.size() && text[i + 1] == c && text[i + 2] == c;
    switch (in) {
    case In::code:
      if (line_start && c == '[') {
        note_header(text, i, layout);
      }
      if (line_start && c == '[' && text.substr(i).starts_with("[[")) {
        std::size_t k = i + 2;
        while (k < text.size() && (text[k] == ' ' || text[k] == '\t')) {
          ++k;
        }
        if (text.substr(k).starts_with("tenant") && k + 6 < text.size() &&
            (text[k + 6] == ']' || text[k + 6] == ' ' || text[k + 6] == '\t') && ++tenants > max_tenants) {
          throw Error(ErrorKind::input, fmt::format("more than {} tenants", max_tenants), SourcePos{path, line, col},
                      Limit::tenants);
        }
      }
      if (c != ' ' && c != '\t') {
        line_start = false;
      }
      if (c == '.') {
        if (++dots >= k_max_parts) {
          throw_input({path, line, col}, fmt::format("a dotted key of more than {} parts; refused before parsing "
                                                     "(certplan's keys have at most 3)", k_max_parts));
        }
      } else if (c == '"' || c == '\'') {
        in = triple ? (c == '"' ? In::ml_basic : In::ml_literal) : (c == '"' ? In::basic : In::literal);
        i += triple ? 2 : 0;
      } else if (c == '#') {
        in = In::comment;
      } else if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == ' ' || c == '\t')) {
        dots = 0; // '=', brackets, commas, line ends: the chain of key parts is over
      }
      break;
    case In::comment:
      in = c == '\n' ? In::code : in;
      break;
    case In::basic:
    case In::ml_basic:
      if (c == '\\') {
        ++i;
      } else if (c == '"' && (in == In::basic || triple)) {
        i += in == In::basic ? 0 : 2;
        in = In::code;
      } else if (c == '\n' && in == In::basic) {
        in = In::code; // toml++ reports the unterminated string
      }
      break;
    case In::literal:
    case In::ml_literal:
      if (c == '\'' && (in == In::literal || triple)) {
        i += in == In::literal ? 0 : 2;
        in = In::code;
      } else if (c == '\n' && in == In::literal) {
        in = In::code;
      }
      break;
    }
    if (c == '\n') {
      ++line;
      col = 0;
      dots = in == In::code ? 0 : dots;
      line_start = in == In::code;
    }
  }
  return layout;
}

Topology Loader::load(std::string_view text) {
  const Layout layout = prescan(text, m_path, m_limits.max_tenants);
  if (layout.simple && layout.tenants >= k_split_min_tenants) {
    // Any error at all, and the whole file is read the ordinary way, which says it exactly
    // as it always did (the first error in file order, its position and words).
    try {
      if (auto topo = load_split(text, layout)) {
        return std::move(*topo);
      }
    } catch (const Error&) {
    } catch (const toml::parse_error&) {
    }
  }
  toml::table root;
  try {
    root = toml::parse(text, m_path);
  } catch (const toml::parse_error& e) {
    throw_input(pos(e.source()), fmt::format("TOML syntax: {}", e.description()));
  }
  return build(root, nullptr);
}

// A hoster's file is mostly [[tenant]] tables. toml++ builds about 1 KiB of tree per tenant and
// parses on one core, so the tenant tables are parsed apart, in chunks on every core, each
// chunk's tree dropped once its tenants are read; the rest of the file is parsed with the
// tenant tables blanked (their line breaks kept, so every position stays where it was).
// nullopt (or an exception) whenever the result could differ from the whole-file parse.
std::optional<Topology> Loader::load_split(std::string_view text, const Layout& layout) const {
  std::string rest;
  rest.reserve(text.size() / 8);
  std::vector<Chunk> chunks;
  std::size_t from = 0; // start of the text not yet copied or blanked
  std::size_t counted = 0; // lines before `counted_to` (counted here: the prescan's count is for messages)
  std::size_t counted_to = 0;
  for (std::size_t h = 0; h < layout.headers.size(); ++h) {
    const auto& header = layout.headers[h];
    if (!header.tenant) {
      continue;
    }
    counted += static_cast<std::size_t>(std::count(text.begin() + static_cast<long>(counted_to),
                                                   text.begin() + static_cast<long>(header.offset), '\n'));
    counted_to = header.offset;
    const std::size_t end = h + 1 < layout.headers.size() ? layout.headers[h + 1].offset : text.size();
    rest.append(text.substr(from, header.offset - from));
    rest.append(static_cast<std::size_t>(std::count(text.begin() + static_cast<long>(header.offset),
                                                    text.begin() + static_cast<long>(end), '\n')),
                '\n');
    // Consecutive tenant tables share a chunk, up to a bound.
    if (!chunks.empty() && chunks.back().end == header.offset && chunks.back().tenants < k_chunk_tenants) {
      chunks.back().end = end;
      ++chunks.back().tenants;
    } else {
      chunks.push_back({header.offset, end, static_cast<unsigned>(counted), 1});
    }
    from = end;
  }
  rest.append(text.substr(from));

  const toml::table root = toml::parse(rest, m_path);
  if (root.contains("tenant")) {
    return std::nullopt; // `tenant` written some other way too: the whole file decides
  }
  const std::function<bool(Topology&)> split_tenants = [&](Topology& topo) {
    return load_tenant_chunks(text, chunks, topo);
  };
  return build(root, &split_tenants);
}

// The tenants of every chunk, in file order, checked as load_tenants checks them; false when
// anything is amiss (load() then reads the whole file, which reports it).
bool Loader::load_tenant_chunks(std::string_view text, const std::vector<Chunk>& chunks, Topology& topo) const {
  if (topo.organization.model != Model::hosted) {
    return false;
  }
  std::vector<std::vector<Tenant>> parsed(chunks.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  const auto work = [&] {
    for (std::size_t c = next++; c < chunks.size() && !failed; c = next++) {
      try {
        const auto& chunk = chunks[c];
        const toml::table root = toml::parse(text.substr(chunk.begin, chunk.end - chunk.begin), m_path);
        const toml::array* list = root.size() == 1 ? root.get_as<toml::array>("tenant") : nullptr;
        if (list == nullptr || list->size() != chunk.tenants) {
          failed = true;
          return;
        }
        auto& out = parsed[c];
        out.reserve(list->size());
        for (const auto& e : *list) {
          const auto* t = e.as_table();
          if (t == nullptr) {
            failed = true;
            return;
          }
          refuse_controls(*t, "tenant");
          out.push_back(read_tenant(*t, topo, chunk.line_offset));
        }
      } catch (...) {
        failed = true;
      }
    }
  };
  const unsigned cores = std::max(1U, std::min(std::thread::hardware_concurrency(), k_max_threads));
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < cores && i < chunks.size(); ++i) {
    try {
      threads.emplace_back(work);
    } catch (const std::system_error&) {
      break; // no thread to be had: this one does the rest
    }
  }
  work();
  for (auto& t : threads) {
    t.join();
  }
  if (failed) {
    return false;
  }
  std::size_t total = 0;
  for (const auto& p : parsed) {
    total += p.size();
  }
  if (total > m_limits.max_tenants) {
    return false;
  }
  // What only the tenants together can break: names and domains used twice. The sets view
  // the names where they stay (topo.tenants has room for all, so it never moves them).
  std::unordered_set<std::string_view> domains;
  domains.reserve(16 + 2 * total);
  for (const auto& f : topo.forests) {
    for (const auto& d : f.smtp_domains) {
      domains.insert(d.ascii);
    }
  }
  domains.insert(topo.hosting->provider_domain.ascii);
  std::unordered_set<std::string_view> names, webmail;
  names.reserve(total);
  webmail.reserve(total);
  topo.tenants.reserve(total);
  for (auto& p : parsed) {
    for (auto& parsed_tenant : p) {
      const Tenant& tn = topo.tenants.emplace_back(std::move(parsed_tenant));
      if (!names.insert(tn.name).second) {
        return false;
      }
      for (const auto& d : tn.domains) {
        if (!domains.insert(d.ascii).second) {
          return false;
        }
      }
      if (tn.webmail && !webmail.insert(tn.webmail->ascii).second) {
        return false;
      }
    }
    std::vector<Tenant>().swap(p);
  }
  return true;
}

// One [[tenant]] table, as load_tenants reads it (positions `line_offset` lines further on).
Tenant Loader::read_tenant(const toml::table& t, const Topology& topo, unsigned line_offset) const {
  check_keys(t, k_tenant_keys, "[[tenant]]");
  Tenant tn;
  tn.pos = pos(t);
  if (t.source().begin.line != 0) {
    tn.pos.line += line_offset;
  }
  tn.name = nonempty_string(require(t, "name", "[[tenant]]"), "name");
  tn.domains = host_list(require(t, "domains", "[[tenant]]"), "domains", true);
  if (const auto* w = t.get("webmail")) {
    tn.webmail = host(*w, "webmail");
    if (!topo.hosting->webmail_redirect_host) {
      fail(*w, "a tenant 'webmail' host needs [hosting] webmail_redirect_host");
    }
    for (const auto* p : {&topo.services.pop3, &topo.services.imap4, &topo.services.smtp}) {
      if (p->enabled && p->host && *p->host == *tn.webmail) {
        fail(*w, "webmail host is also a protocol host");
      }
    }
  }
  return tn;
}

Topology Loader::build(const toml::table& root, const std::function<bool(Topology&)>* split_tenants) const {
  m_root_pos = {m_path, 1, 1};
  refuse_controls(root, "");
  check_keys(root, k_root_keys, k_root_keys2, "the top level");

  const toml::node* schema = root.get("schema");
  if (schema == nullptr) {
    throw_input(m_root_pos, "missing required key 'schema' (this reader understands schema = 1)");
  }
  if (integer(*schema, "schema") != 1) {
    fail(*schema, fmt::format("unsupported schema {}; this reader understands schema = 1", integer(*schema, "schema")));
  }

  Topology topo;
  topo.path = m_path;
  load_organization(root, topo);
  load_forests(root, topo);
  load_sites(root, topo);
  load_services(root, topo);
  load_clients(root, topo);
  load_certificates(root, topo);
  load_hosting(root, topo);
  if (split_tenants == nullptr) {
    load_tenants(root, topo);
  } else if (!(*split_tenants)(topo)) {
    throw_input(m_root_pos, "the tenant tables need the whole file read"); // caught by load()
  }
  load_installed(root, topo);
  check_model(topo);
  check_unique_names(topo);
  return topo;
}

// Issue 13: no string of a topology (key or value) may hold a control character (C0, DEL,
// C1, U+2028/U+2029). Every output quotes its values, but a line break or an escape sequence
// in a subject or tenant name has no honest place in a script, a config, a terminal or a
// certificate, so it is refused once, here, with its position. toml++ has checked UTF-8.
void Loader::refuse_controls(const toml::node& n, std::string_view key) const {
  // `what` names the string, asked only when there is something to say.
  const auto check = [&](std::string_view s, const toml::source_region& where, const auto& what) {
    // Printable ASCII holds no control character: the common case, without decoding.
    if (std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7e; })) {
      return;
    }
    if (const auto c = quote::find_control(s)) {
      throw_input(pos(where), fmt::format("{} holds the control character {} (at byte {}); topology strings may not "
                                          "hold control characters (C0, DEL, C1, U+2028, U+2029)",
                                          what(), quote::code_point_name(c->code_point), c->offset + 1));
    }
  };
  if (const auto* t = n.as_table()) {
    for (const auto& [k, v] : *t) {
      check(k.str(), k.source(), [&] { return "the key " + quote::toml_basic(k.str()); });
      refuse_controls(v, k.str());
    }
  } else if (const auto* a = n.as_array()) {
    for (const auto& e : *a) {
      refuse_controls(e, key);
    }
  } else if (const auto* s = n.as_string()) {
    check(s->get(), s->source(), [&] { return fmt::format("'{}'", key); });
  }
}

void Loader::load_organization(const toml::table& root, Topology& topo) const {
  const toml::node* n = root.get("organization");
  if (n == nullptr) {
    throw_input(m_root_pos, "missing required table [organization]");
  }
  const auto& t = table(*n, "organization");
  check_keys(t, k_org_keys, "[organization]");
  auto& org = topo.organization;
  org.pos = pos(t);
  org.name = nonempty_string(require(t, "name", "[organization]"), "name");
  if (const auto* e = t.get("exchange")) {
    org.exchange = choice(*e, "exchange", k_versions);
  }
  const auto& m = require(t, "model", "[organization]");
  org.model = choice(m, "model", k_models);
  org.model_pos = pos(m);
}

void Loader::load_forests(const toml::table& root, Topology& topo) const {
  const toml::node* n = root.get("forest");
  if (n == nullptr) {
    throw_input(m_root_pos, "missing [[forest]]: at least one forest is required");
  }
  const auto list = tables(*n, "forest");
  if (list.empty()) {
    fail(*n, "'forest' needs at least one [[forest]] table");
  }
  std::map<std::string, SourcePos> seen_domains;
  for (const auto* t : list) {
    check_keys(*t, k_forest_keys, "[[forest]]");
    Forest f;
    f.pos = pos(*t);
    f.name = nonempty_string(require(*t, "name", "[[forest]]"), "name");
    for (const auto& other : topo.forests) {
      if (other.name == f.name) {
        fail(*t->get("name"), fmt::format("duplicate forest name '{}' (first defined at {})", f.name, other.pos.to_string()));
      }
    }
    if (const auto* ad = t->get("ad_domain")) {
      f.ad_domain = host(*ad, "ad_domain");
    }
    const auto& sd = require(*t, "smtp_domains", "[[forest]]");
    f.smtp_domains = host_list(sd, "smtp_domains", true);
    for (std::size_t i = 0; i < f.smtp_domains.size(); ++i) {
      const auto& d = f.smtp_domains[i];
      const auto [it, fresh] = seen_domains.emplace(d.ascii, pos(*sd.as_array()->get(i)));
      if (!fresh) {
        fail(*sd.as_array()->get(i),
             fmt::format("SMTP domain \"{}\" already belongs to another forest (at {})", d.display, it->second.to_string()));
      }
    }
    topo.forests.push_back(std::move(f));
  }
}

Server Loader::load_server(const toml::table& t) const {
  check_keys(t, k_server_keys, "[[site.server]]");
  Server s;
  s.pos = pos(t);
  const auto& nn = require(t, "name", "[[site.server]]");
  s.name = nonempty_string(nn, "name");
  // NetBIOS computer names: at most 15 characters, no dots.
  if (s.name.size() > 15 || s.name.find_first_of(". \\/:*?\"<>|") != std::string::npos) {
    fail(nn, fmt::format("server name \"{}\" is not a NetBIOS name (at most 15 characters, no dots)", s.name));
  }
  if (const auto* f = t.get("fqdn")) {
    s.fqdn = host(*f, "fqdn");
  }
  if (const auto* r = t.get("roles")) {
    for (const auto& e : array(*r, "roles")) {
      choice(e, "roles", k_roles);
      s.roles.emplace_back(e.as_string()->get());
    }
  } else {
    s.roles = {"client-access", "mailbox"};
  }
  if (const auto* i = t.get("ip")) {
    s.ip = ip(*i, "ip");
  }
  if (const auto* i = t.get("secondary_ip")) {
    s.secondary_ip = ip(*i, "secondary_ip");
  }
  return s;
}

void Loader::load_sites(const toml::table& root, Topology& topo) const {
  const toml::node* n = root.get("site");
  if (n == nullptr) {
    throw_input(m_root_pos, "missing [[site]]: at least one site is required");
  }
  const auto list = tables(*n, "site");
  if (list.empty()) {
    fail(*n, "'site' needs at least one [[site]] table");
  }
  for (const auto* t : list) {
    check_keys(*t, k_site_keys, "[[site]]");
    Site s;
    s.pos = pos(*t);
    s.name = nonempty_string(require(*t, "name", "[[site]]"), "name");
    for (const auto& other : topo.sites) {
      if (other.name == s.name) {
        fail(*t->get("name"), fmt::format("duplicate site name '{}' (first defined at {})", s.name, other.pos.to_string()));
      }
    }
    if (const auto* f = t->get("forest")) {
      s.forest = nonempty_string(*f, "forest");
      const bool known = std::any_of(topo.forests.begin(), topo.forests.end(),
                                     [&](const Forest& x) { return x.name == s.forest; });
      if (!known) {
        std::string names;
        for (const auto& x : topo.forests) {
          names += names.empty() ? x.name : ", " + x.name;
        }
        fail(*f, fmt::format("site '{}' names forest '{}', which is not defined (forests: {})", s.name, s.forest, names));
      }
    } else if (topo.forests.size() == 1) {
      s.forest = topo.forests.front().name;
    } else {
      fail(*t, fmt::format("site '{}' must name its forest: there are {} forests", s.name, topo.forests.size()));
    }
    if (const auto* ns = t->get("namespace")) {
      s.ns = host(*ns, "namespace");
      s.ns_pos = pos(*ns);
    }
    if (const auto* i = t->get("internet_facing")) {
      s.internet_facing = boolean(*i, "internet_facing");
    } else {
      s.internet_facing = s.ns.has_value(); // documented default
    }
    if (s.internet_facing && !s.ns) {
      fail(*t, fmt::format("site '{}' is internet-facing and needs 'namespace'", s.name));
    }
    if (const auto* l = t->get("legacy_namespace")) {
      s.legacy_ns = host(*l, "legacy_namespace");
      if (s.ns && *s.legacy_ns == *s.ns) {
        fail(*l, "'legacy_namespace' must differ from 'namespace'");
      }
    }
    if (const auto* sv = t->get("server")) {
      for (const auto* st : tables(*sv, "server")) {
        Server server = load_server(*st);
        for (const auto& other : s.servers) {
          if (other.name == server.name) {
            fail(*st->get("name"), fmt::format("duplicate server name '{}' in site '{}'", server.name, s.name));
          }
        }
        s.servers.push_back(std::move(server));
      }
    }
    topo.sites.push_back(std::move(s));
  }
}

void Loader::load_services(const toml::table& root, Topology& topo) const {
  const auto v = topo.organization.exchange;
  auto& sv = topo.services;
  // Defaults by version: ECP arrived in 2010, MAPI over HTTP is on by default from 2016.
  sv.ecp = v >= ExchangeVersion::v2010;
  sv.mapi = v >= ExchangeVersion::v2016;
  const toml::node* n = root.get("services");
  if (n == nullptr) {
    return;
  }
  const auto& t = table(*n, "services");
  check_keys(t, k_service_keys, "[services]");
  for (const auto& [k, node] : t) {
    const auto key = k.str();
    const auto service = *service_from_string(key);
    if (service == Service::pop3 || service == Service::imap4 || service == Service::smtp) {
      ProtocolService p;
      if (node.is_boolean()) {
        p.enabled = node.as_boolean()->get();
      } else if (node.is_table()) {
        const auto& pt = *node.as_table();
        check_keys(pt, k_protocol_keys, fmt::format("[services.{}]", key));
        p.enabled = true;
        p.host = host(require(pt, "host", fmt::format("'{}'", key)), "host");
      } else {
        fail(node, fmt::format("'{}' must be a boolean or {{ host = \"...\" }}, not {}", key, type_name(node.type())));
      }
      (service == Service::pop3 ? sv.pop3 : service == Service::imap4 ? sv.imap4 : sv.smtp) = p;
      continue;
    }
    const bool on = boolean(node, key);
    if (on && service == Service::ecp && v < ExchangeVersion::v2010) {
      fail(node, "'ecp' needs Exchange 2010 or later");
    }
    if (on && service == Service::mapi && v < ExchangeVersion::v2013) {
      fail(node, "'mapi' (MAPI over HTTP) needs Exchange 2013 SP1 or later");
    }
    if (on && service == Service::um && v >= ExchangeVersion::v2019) {
      fail(node, "'um': Unified Messaging was removed in Exchange 2019");
    }
    switch (service) {
    case Service::owa: sv.owa = on; break;
    case Service::ecp: sv.ecp = on; break;
    case Service::ews: sv.ews = on; break;
    case Service::oab: sv.oab = on; break;
    case Service::activesync: sv.activesync = on; break;
    case Service::outlook_anywhere: sv.outlook_anywhere = on; break;
    case Service::mapi: sv.mapi = on; break;
    case Service::autodiscover: sv.autodiscover = on; break;
    case Service::um: sv.um = on; break;
    default: break;
    }
  }
}

void Loader::load_clients(const toml::table& root, Topology& topo) const {
  const toml::node* n = root.get("clients");
  if (n == nullptr) {
    return;
  }
  const auto& t = table(*n, "clients");
  check_keys(t, k_client_keys, "[clients]");
  if (const auto* s = t.get("supported")) {
    for (const auto& e : array(*s, "supported")) {
      const std::string id = string(e, "supported");
      if (m_clients.find(id) == nullptr) {
        fail(e, fmt::format("unknown client \"{}\"; known clients: {}", id, m_clients.ids_joined()));
      }
      for (const auto& c : topo.clients) {
        if (c.id == id) {
          fail(e, fmt::format("client \"{}\" is listed twice", id));
        }
      }
      topo.clients.push_back({id, pos(e)});
    }
  }
}

void Loader::load_certificates(const toml::table& root, Topology& topo) const {
  auto& c = topo.certificates;
  c.pos = m_root_pos;
  const toml::node* n = root.get("certificates");
  if (n == nullptr) {
    return;
  }
  const auto& t = table(*n, "certificates");
  c.pos = pos(t);
  check_keys(t, k_cert_keys, "[certificates]");
  if (const auto* x = t.get("strategy")) {
    c.strategy = choice(*x, "strategy", k_strategies);
  }
  if (const auto* x = t.get("authority")) {
    c.authority = choice(*x, "authority", k_authorities);
  }
  if (const auto* x = t.get("max_names")) {
    const auto v = integer(*x, "max_names");
    if (v < 1 || v > 10000) {
      fail(*x, fmt::format("'max_names' must be between 1 and 10000, not {}", v));
    }
    c.max_names = static_cast<unsigned>(v);
  }
  if (const auto* x = t.get("key")) {
    const std::string k = string(*x, "key");
    choice(*x, "key", k_keys);
    const auto colon = k.find(':');
    c.key = {k.substr(0, colon), k.substr(colon + 1)};
  }
  if (const auto* x = t.get("autodiscover")) {
    c.autodiscover = choice(*x, "autodiscover", k_ad_methods);
  }
  if (const auto* x = t.get("include_internal_names")) {
    c.include_internal_names = boolean(*x, "include_internal_names");
    // R6: CAs stopped issuing internal names on public certificates by 2015-11-01.
    if (c.include_internal_names && c.authority == Authority::public_) {
      fail(*x, "'include_internal_names = true' needs authority = \"enterprise\" or \"self-signed\": public CAs "
               "may not certify internal names (R6, CA/B BR 4.2.2); use split DNS so internal URLs use the "
               "external namespace");
    }
  }
  if (const auto* x = t.get("include_server_fqdn")) {
    c.include_server_fqdn = boolean(*x, "include_server_fqdn");
  }
  if (const auto* x = t.get("subject")) {
    const auto& st = table(*x, "subject");
    check_keys(st, k_subject_keys, "[certificates.subject]");
    auto& s = c.subject;
    if (const auto* y = st.get("country")) {
      s.country = string(*y, "country");
      const bool ok = s.country.size() == 2 && std::isupper(static_cast<unsigned char>(s.country[0])) &&
                      std::isupper(static_cast<unsigned char>(s.country[1]));
      if (!ok) {
        fail(*y, fmt::format("'country' must be a two-letter ISO 3166 code in capitals (\"US\"), not \"{}\"", s.country));
      }
    }
    // X.520 upper bounds (RFC 5280 Appendix A.1): ub-state-name and ub-locality-name 128,
    // ub-organization-name and ub-organizational-unit-name 64, counted in characters.
    struct Field {
      std::string_view key;
      std::string* value;
      std::size_t bound;
    };
    for (const auto& [key, field, bound] : std::array<Field, 4>{{{"state", &s.state, 128},
                                                                 {"locality", &s.locality, 128},
                                                                 {"organization", &s.organization, 64},
                                                                 {"unit", &s.unit, 64}}}) {
      if (const auto* y = st.get(key)) {
        *field = nonempty_string(*y, key);
        const auto chars = static_cast<std::size_t>(std::count_if(
            field->begin(), field->end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
        if (chars > bound) {
          fail(*y, fmt::format("'{}' is {} characters long; X.520 allows at most {}", key, chars, bound));
        }
      }
    }
  }
}

void Loader::load_hosting(const toml::table& root, Topology& topo) const {
  const toml::node* n = root.get("hosting");
  if (n == nullptr) {
    if (topo.organization.model == Model::hosted) {
      throw_input(topo.organization.model_pos, "model \"hosted\" needs a [hosting] table (provider_domain, autodiscover, ...)");
    }
    return;
  }
  const auto& t = table(*n, "hosting");
  if (topo.organization.model != Model::hosted) {
    fail(t, fmt::format("[hosting] is only allowed with model = \"hosted\" (the model is \"{}\")",
                        to_string(topo.organization.model)));
  }
  check_keys(t, k_hosting_keys, "[hosting]");
  Hosting h;
  h.pos = pos(t);
  h.provider_domain = host(require(t, "provider_domain", "[hosting]"), "provider_domain");
  if (const auto* x = t.get("autodiscover")) {
    h.autodiscover = choice(*x, "autodiscover", k_ad_methods);
  }
  if (const auto* x = t.get("redirect_host")) {
    h.redirect_host = host(*x, "redirect_host");
  } else if (h.autodiscover == AutodiscoverMethod::redirect) {
    // Seed 002's name for the redirect web site.
    std::string why;
    h.redirect_host = normalize_host("autodiscoverredirect." + h.provider_domain.ascii, why);
  }
  if (const auto* x = t.get("webmail_redirect_host")) {
    h.webmail_redirect_host = host(*x, "webmail_redirect_host");
  }
  topo.hosting = std::move(h);
}

void Loader::load_tenants(const toml::table& root, Topology& topo) const {
  const toml::node* n = root.get("tenant");
  if (n == nullptr) {
    return;
  }
  if (topo.organization.model != Model::hosted) {
    fail(*n, fmt::format("[[tenant]] is only allowed with model = \"hosted\" (the model is \"{}\")",
                         to_string(topo.organization.model)));
  }
  // domain -> its owner: an index into `others` (forests, the provider), else others.size()
  // plus the tenant's index. A hoster has many thousands of tenants: hashed, no strings made.
  std::vector<std::string> others;
  std::unordered_map<std::string, std::size_t> owner;
  for (const auto& f : topo.forests) {
    others.push_back("forest '" + f.name + "'");
    for (const auto& d : f.smtp_domains) {
      owner.emplace(d.ascii, others.size() - 1);
    }
  }
  others.emplace_back("the provider");
  owner.emplace(topo.hosting->provider_domain.ascii, others.size() - 1);
  const auto owner_name = [&](std::size_t i) {
    return i < others.size() ? others[i] : "tenant '" + topo.tenants[i - others.size()].name + "'";
  };
  const auto all = tables(*n, "tenant");
  if (const std::size_t limit = m_limits.max_tenants; all.size() > limit) {
    throw Error(ErrorKind::input, fmt::format("more than {} tenants ({} in all)", limit, all.size()), pos(*all[limit]),
                Limit::tenants);
  }
  topo.tenants.reserve(all.size());
  owner.reserve(owner.size() + 2 * all.size());
  std::unordered_map<std::string, std::size_t> tenant_index;
  tenant_index.reserve(all.size());
  std::unordered_map<std::string, std::size_t> webmail_owner; // webmail host -> tenant index
  for (const auto* t : all) {
    check_keys(*t, k_tenant_keys, "[[tenant]]");
    Tenant tn;
    tn.pos = pos(*t);
    tn.name = nonempty_string(require(*t, "name", "[[tenant]]"), "name");
    // A hoster has many thousands of tenants: look names up, don't scan.
    if (const auto [it, fresh] = tenant_index.emplace(tn.name, topo.tenants.size()); !fresh) {
      fail(*t->get("name"), fmt::format("duplicate tenant name '{}' (first defined at {})", tn.name,
                                        topo.tenants[it->second].pos.to_string()));
    }
    const auto& dn = require(*t, "domains", "[[tenant]]");
    tn.domains = host_list(dn, "domains", true);
    for (std::size_t i = 0; i < tn.domains.size(); ++i) {
      const auto [it, fresh] = owner.emplace(tn.domains[i].ascii, others.size() + topo.tenants.size());
      if (!fresh) {
        fail(*dn.as_array()->get(i),
             fmt::format("domain \"{}\" already belongs to {}", tn.domains[i].display, owner_name(it->second)));
      }
    }
    if (const auto* w = t->get("webmail")) {
      tn.webmail = host(*w, "webmail");
      if (!topo.hosting->webmail_redirect_host) {
        fail(*w, "a tenant 'webmail' host needs [hosting] webmail_redirect_host (the site that redirects it)");
      }
      // The DNS plan publishes a tenant's webmail host and each POP3/IMAP4/SMTP host as a CNAME;
      // one name with two CNAMEs is no valid zone (RFC 1034 3.6.2, RFC 2181 10.1), so refuse it here.
      for (const auto& [label, p] : {std::pair{"POP3", &topo.services.pop3}, std::pair{"IMAP4", &topo.services.imap4},
                                     std::pair{"SMTP", &topo.services.smtp}}) {
        if (p->enabled && p->host && *p->host == *tn.webmail) {
          fail(*w, fmt::format("\"{}\" is tenant '{}''s webmail host and the {} host: both would be a CNAME for one "
                               "name (RFC 2181 10.1); give one of them another name",
                               tn.webmail->display, tn.name, label));
        }
      }
      if (const auto [it, fresh] = webmail_owner.emplace(tn.webmail->ascii, topo.tenants.size()); !fresh) {
        fail(*w, fmt::format("\"{}\" is already tenant '{}''s webmail host", tn.webmail->display,
                             topo.tenants[it->second].name));
      }
    }
    topo.tenants.push_back(std::move(tn));
  }
}

void Loader::load_installed(const toml::table& root, Topology& topo) const {
  const toml::node* n = root.get("installed");
  if (n == nullptr) {
    return;
  }
  for (const auto* t : tables(*n, "installed")) {
    check_keys(*t, k_installed_keys, "[[installed]]");
    Installed in;
    in.pos = pos(*t);
    in.file = nonempty_string(require(*t, "file", "[[installed]]"), "file");
    if (const auto* s = t->get("services")) {
      for (const auto& e : array(*s, "services")) {
        choice(e, "services", k_installed_services);
        in.services.emplace_back(e.as_string()->get());
      }
    } else {
      in.services = {"iis"};
    }
    if (const auto* s = t->get("sites")) {
      for (const auto& e : array(*s, "sites")) {
        const std::string name = string(e, "sites");
        if (std::none_of(topo.sites.begin(), topo.sites.end(), [&](const Site& x) { return x.name == name; })) {
          fail(e, fmt::format("unknown site '{}'", name));
        }
        in.sites.push_back(name);
      }
    }
    if (const auto* o = t->get("own_address")) {
      in.own_address = boolean(*o, "own_address");
    }
    topo.installed.push_back(std::move(in));
  }
}

void Loader::check_model(const Topology& topo) const {
  const Model model = topo.organization.model;
  std::vector<const Site*> facing;
  for (const auto& s : topo.sites) {
    if (s.internet_facing) {
      facing.push_back(&s);
    }
  }
  if (facing.empty()) {
    throw_input(topo.sites.front().pos, "no site is internet-facing: at least one site needs internet_facing = true and a namespace");
  }
  if (model != Model::multi_forest && topo.forests.size() > 1) {
    throw_input(topo.forests[1].pos, fmt::format("model \"{}\" has one forest; for several forests use model = \"multi-forest\"",
                                                 to_string(model)));
  }
  switch (model) {
  case Model::consolidated:
  case Model::hosted:
    if (topo.sites.size() > 1 && model == Model::consolidated) {
      throw_input(topo.sites[1].pos, "model \"consolidated\" has exactly one site; for more sites use \"proxy-sites\" or \"regional\"");
    }
    if (facing.size() > 1) {
      throw_input(facing[1]->pos, fmt::format("model \"{}\" has one internet-facing site", to_string(model)));
    }
    break;
  case Model::proxy_sites:
    if (facing.size() > 1) {
      throw_input(facing[1]->pos, "model \"proxy-sites\" has exactly one internet-facing site; the others are proxied "
                                  "(for several internet-facing sites use \"regional\")");
    }
    break;
  case Model::multisite_single_namespace:
    for (const auto* s : facing) {
      if (*s->ns != *facing.front()->ns) {
        throw_input(s->ns_pos, fmt::format("model \"multisite-single-namespace\": every internet-facing site shares one "
                                           "namespace, but site '{}' has \"{}\" and site '{}' has \"{}\"",
                                           s->name, s->ns->display, facing.front()->name, facing.front()->ns->display));
      }
    }
    break;
  case Model::regional:
  case Model::multi_forest:
    if (model == Model::multi_forest && topo.forests.size() < 2) {
      throw_input(topo.organization.model_pos, "model \"multi-forest\" needs at least two [[forest]] tables");
    }
    for (std::size_t i = 0; i < facing.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (*facing[i]->ns == *facing[j]->ns) {
          throw_input(facing[i]->ns_pos,
                      fmt::format("model \"{}\": each internet-facing site has its own namespace, but \"{}\" is also "
                                  "site '{}''s (for a shared namespace use \"multisite-single-namespace\")",
                                  to_string(model), facing[i]->ns->display, facing[j]->name));
        }
      }
    }
    break;
  }
  if (model == Model::multi_forest) {
    for (const auto& f : topo.forests) {
      if (std::none_of(facing.begin(), facing.end(), [&](const Site* s) { return s->forest == f.name; })) {
        throw_input(f.pos, fmt::format("forest '{}' has no internet-facing site", f.name));
      }
    }
  }
}

// Names clients connect to must not collide across roles (a legacy namespace that is
// another site's namespace, a POP host that is a tenant domain, ...).
void Loader::check_unique_names(const Topology& topo) const {
  std::map<std::string, std::string> used;
  const auto claim = [&](const HostName& h, const std::string& what, const SourcePos& where, bool shared_ok) {
    const auto [it, fresh] = used.emplace(h.ascii, what);
    if (!fresh && !(shared_ok && it->second == what)) {
      throw_input(where, fmt::format("\"{}\" is used as {} and as {}", h.display, it->second, what));
    }
  };
  for (const auto& s : topo.sites) {
    if (s.ns) {
      // multisite-single-namespace shares it legitimately (checked above).
      claim(*s.ns, "a site namespace", s.ns_pos, true);
    }
  }
  for (const auto& s : topo.sites) {
    if (s.legacy_ns) {
      claim(*s.legacy_ns, "the legacy namespace of site '" + s.name + "'", s.pos, false);
    }
  }
}

} // namespace

Topology parse_topology(std::string_view text, const std::string& path, const ClientCatalog& clients,
                        const InputLimits& limits) {
  return Loader(path, clients, limits).load(text);
}

Topology load_topology(const std::string& path, const ClientCatalog& clients, const InputLimits& limits) {
  return parse_topology(read_file(path, limits), path, clients, limits);
}

} // namespace certplan
