// Topology loader: TOML (toml++) -> certplan::Topology. With toml_read.cpp, sections.cpp and
// validate.cpp the only files that see toml++ types for topologies; every error names
// file:line:col and what was expected.
#include <certplan/io.hpp>
#include <certplan/load.hpp>

#include "topology/loader.hpp"
#include "topology/schema.hpp"
#include "util/name_set.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <atomic>
#include <system_error>
#include <thread>
#include <unordered_map>

namespace certplan {
namespace detail {

namespace schema = topology_schema;

Topology Loader::load(std::string_view text, TextLayout* layout_out) {
  auto scanned = std::make_shared<const Layout>(prescan(text, path(), m_limits.max_tenants));
  const Layout& layout = *scanned;
  if (layout_out != nullptr) {
    *layout_out = scanned;
  }
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
    root = toml::parse(text, path());
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
  for (std::size_t h = 0; h < layout.headers.size(); ++h) {
    const auto& header = layout.headers[h];
    if (!header.tenant) {
      continue;
    }
    const bool last = h + 1 == layout.headers.size();
    const std::size_t end = last ? text.size() : layout.headers[h + 1].offset;
    // The table's line breaks, from the prescan's count (a line starts at every header).
    const unsigned breaks = (last ? layout.lines : layout.headers[h + 1].line) - header.line;
    rest.append(text.substr(from, header.offset - from));
    rest.append(breaks, '\n');
    // Consecutive tenant tables share a chunk, up to a bound.
    if (!chunks.empty() && chunks.back().end == header.offset && chunks.back().tenants < k_chunk_tenants) {
      chunks.back().end = end;
      ++chunks.back().tenants;
    } else {
      chunks.push_back({header.offset, end, header.line - 1, 1});
    }
    from = end;
  }
  rest.append(text.substr(from));

  const toml::table root = toml::parse(rest, path());
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
        const std::string_view body = text.substr(chunk.begin, chunk.end - chunk.begin);
        auto& out = parsed[c];
        if (read_plain_chunk(body, topo, chunk, out)) {
          continue;
        }
        out.clear(); // toml++ reads the chunk, and says what is wrong with it if anything is
        const toml::table root = toml::parse(body, path());
        const toml::array* list = root.size() == 1 ? root.get_as<toml::array>("tenant") : nullptr;
        if (list == nullptr || list->size() != chunk.tenants) {
          failed = true;
          return;
        }
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
  // One slot spare: `tenant add` appends a tenant without moving the others, which a plan made
  // before it still views (tenant/editor.cpp).
  topo.tenants.reserve(total + 1);
  for (auto& p : parsed) {
    for (auto& parsed_tenant : p) {
      topo.tenants.push_back(std::move(parsed_tenant));
    }
    std::vector<Tenant>().swap(p);
  }
  // What only the tenants together can break: names and domains used twice. The sets view
  // the names where they stay in topo.tenants. The domains are checked on another core while
  // the names and webmail hosts are checked here (issue 18: 400,000 inserts at 100,000
  // tenants were a serial tenth of the load).
  const auto unique_domains = [&] {
    std::vector<std::string_view> domains;
    domains.reserve(16 + 2 * total);
    for (const auto& f : topo.forests) {
      for (const auto& d : f.smtp_domains) {
        domains.emplace_back(d.ascii);
      }
    }
    domains.emplace_back(topo.hosting->provider_domain.ascii);
    // The provider's own domains may repeat among themselves (provider_domain is a forest's
    // SMTP domain, say); only a tenant's may not be anyone else's.
    std::sort(domains.begin(), domains.end());
    domains.erase(std::unique(domains.begin(), domains.end()), domains.end());
    for (const auto& tn : topo.tenants) {
      for (const auto& d : tn.domains) {
        domains.emplace_back(d.ascii);
      }
    }
    return util::all_distinct(domains);
  };
  const auto unique_names = [&] {
    std::vector<std::string_view> names, webmail;
    names.reserve(total);
    webmail.reserve(total);
    for (const auto& tn : topo.tenants) {
      names.emplace_back(tn.name);
      if (tn.webmail) {
        webmail.emplace_back(tn.webmail->ascii);
      }
    }
    return util::all_distinct(names) && util::all_distinct(webmail);
  };
  std::atomic<bool> domains_ok{false};
  std::thread other;
  try {
    other = std::thread([&] {
      try {
        domains_ok = unique_domains();
      } catch (...) { // out of memory, say: the whole parse reports it
      }
    });
  } catch (const std::system_error&) {
    domains_ok = unique_domains(); // no thread to be had: here, after all
  }
  const bool names_ok = unique_names();
  if (other.joinable()) {
    other.join();
  }
  return names_ok && domains_ok;
}

// One [[tenant]] table, as load_tenants reads it (positions `line_offset` lines further on).
Tenant Loader::read_tenant(const toml::table& t, const Topology& topo, unsigned line_offset) const {
  check_keys(t, schema::k_tenant_keys, "[[tenant]]");
  Tenant tn;
  tn.pos = pos(t);
  if (t.source().begin.line != 0) {
    tn.pos.line += line_offset;
  }
  tn.name = nonempty_string(require(t, "name", "[[tenant]]"), "name");
  tn.domains = host_list(require(t, "domains", "[[tenant]]"), "domains", true);
  if (const auto* w = t.get("webmail")) {
    tn.webmail = host(*w, "webmail");
    if (const char* why = webmail_refusal(*tn.webmail, topo)) {
      fail(*w, why);
    }
  }
  return tn;
}

// Why a tenant's webmail host is refused, or nullptr: one rule for both readings of a table.
const char* Loader::webmail_refusal(const HostName& webmail, const Topology& topo) const {
  if (!topo.hosting->webmail_redirect_host) {
    return "a tenant 'webmail' host needs [hosting] webmail_redirect_host";
  }
  for (const auto* p : {&topo.services.pop3, &topo.services.imap4, &topo.services.smtp}) {
    if (p->enabled && p->host && *p->host == webmail) {
      return "webmail host is also a protocol host";
    }
  }
  return nullptr;
}

// The Tenant read_tenant makes of a table in the plain form (plain_tables.hpp); nullopt for
// whatever read_tenant refuses, which it then reads and words. The checks are read_tenant's:
// both keys present, a name not empty, domains not empty, each a host name, none twice, and
// the webmail host's rule.
std::optional<Tenant> Loader::plain_tenant(const PlainTable& p, const Topology& topo, unsigned line_offset) const {
  if (!p.has_name || !p.has_domains || p.name.empty() || p.domains.empty()) {
    return std::nullopt;
  }
  Tenant tn;
  tn.pos = SourcePos{path(), p.line + line_offset, p.column};
  tn.name = p.name;
  tn.domains.reserve(p.domains.size());
  std::string why;
  for (const auto d : p.domains) {
    auto h = normalize_host(d, why);
    if (!h || std::find(tn.domains.begin(), tn.domains.end(), *h) != tn.domains.end()) {
      return std::nullopt;
    }
    tn.domains.push_back(std::move(*h));
  }
  if (p.has_webmail) {
    tn.webmail = normalize_host(p.webmail, why);
    if (!tn.webmail || webmail_refusal(*tn.webmail, topo) != nullptr) {
      return std::nullopt;
    }
  }
  return tn;
}

// A chunk's tenants read in the plain form, all of them, or false.
bool Loader::read_plain_chunk(std::string_view body, const Topology& topo, const Chunk& chunk,
                              std::vector<Tenant>& out) const {
  PlainTables tables(body);
  PlainTable p;
  out.reserve(chunk.tenants);
  for (;;) {
    switch (tables.next(p)) {
    case PlainTables::Step::end:
      return out.size() == chunk.tenants;
    case PlainTables::Step::not_plain:
      return false;
    case PlainTables::Step::table:
      auto tn = plain_tenant(p, topo, chunk.line_offset);
      if (!tn) {
        return false;
      }
      out.push_back(std::move(*tn));
      break;
    }
  }
}

Topology Loader::build(const toml::table& root, const std::function<bool(Topology&)>* split_tenants) const {
  m_root_pos = {path(), 1, 1};
  refuse_controls(root, "");
  check_keys(root, schema::k_root_keys, schema::k_root_keys2, "the top level");

  const toml::node* schema = root.get("schema");
  if (schema == nullptr) {
    throw_input(m_root_pos, "missing required key 'schema' (this reader understands schema = 1)");
  }
  if (integer(*schema, "schema") != 1) {
    fail(*schema, fmt::format("unsupported schema {}; this reader understands schema = 1", integer(*schema, "schema")));
  }

  Topology topo;
  topo.path = path();
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

} // namespace detail

Topology parse_topology(std::string_view text, const std::string& path, const ClientCatalog& clients,
                        const InputLimits& limits) {
  return detail::Loader(path, clients, limits).load(text);
}

Topology parse_topology(std::string_view text, const std::string& path, const ClientCatalog& clients,
                        const InputLimits& limits, TextLayout& layout) {
  return detail::Loader(path, clients, limits).load(text, &layout);
}

Topology load_topology(const std::string& path, const ClientCatalog& clients, const InputLimits& limits) {
  return parse_topology(read_file(path, limits), path, clients, limits);
}

} // namespace certplan
