// The topology loader's parts, one job per file: load.cpp reads the file (whole, or its
// tenant tables apart on every core), sections.cpp reads each table into the model,
// validate.cpp checks what only the whole model can break. TOML reading is toml_read.hpp's.
#pragma once

#include <certplan/clients.hpp>
#include <certplan/limits.hpp>
#include <certplan/load.hpp>
#include <certplan/topology.hpp>

#include "topology/plain_tables.hpp"
#include "topology/prescan.hpp"
#include "topology/toml_read.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certplan::detail {

// Below this many tenants the whole file is parsed at once (a split would gain nothing).
inline constexpr std::size_t k_split_min_tenants = 512;
inline constexpr std::size_t k_chunk_tenants = 2048;
inline constexpr unsigned k_max_threads = 4;

class Loader : private TomlReader {
public:
  Loader(std::string path, const ClientCatalog& clients, const InputLimits& limits)
      : TomlReader(std::move(path)), m_clients(clients), m_limits(limits) {}

  Topology load(std::string_view text, TextLayout* layout = nullptr);

  // tenant_edit.cpp: `before` (load(text)) with the [[tenant]] table of `appended` after `text`,
  // or without tenant `index`; nullopt wherever that could differ from load() of the edited text.
  // `layout`: the text's, from load(), or null (scanned again).
  std::optional<Tenant> load_appended(const Topology& before, std::string_view text, std::string_view appended,
                                      const Layout* layout) const;
  std::optional<TenantCut> load_cut(const Topology& before, std::string_view text, std::size_t index,
                                    const Layout* layout) const;

private:
  struct Chunk {
    std::size_t begin = 0, end = 0; // byte range of consecutive [[tenant]] tables
    unsigned line_offset = 0;       // lines before `begin`
    std::size_t tenants = 0;
  };

  // Typed reads of the model's own kinds of value (sections.cpp).
  HostName host(const toml::node& n, std::string_view key) const;
  std::vector<HostName> host_list(const toml::node& n, std::string_view key, bool required_nonempty) const;
  std::string ip(const toml::node& n, std::string_view key) const;

  // load.cpp
  std::optional<Topology> load_split(std::string_view text, const Layout& layout) const;
  bool load_tenant_chunks(std::string_view text, const std::vector<Chunk>& chunks, Topology& topo) const;
  Tenant read_tenant(const toml::table& t, const Topology& topo, unsigned line_offset) const;
  const char* webmail_refusal(const HostName& webmail, const Topology& topo) const;
  std::optional<Tenant> plain_tenant(const PlainTable& p, const Topology& topo, unsigned line_offset) const;
  bool read_plain_chunk(std::string_view body, const Topology& topo, const Chunk& chunk, std::vector<Tenant>& out) const;
  Topology build(const toml::table& root, const std::function<bool(Topology&)>* split_tenants) const;

  // tenant_edit.cpp
  const Layout* tenant_layout(const Topology& before, std::string_view text, const Layout* scanned, Layout& own) const;
  std::optional<Tenant> lone_tenant(std::string_view text, const Topology& topo, unsigned line_offset,
                                    std::size_t* last_line) const;

  // sections.cpp
  void load_organization(const toml::table& root, Topology& topo) const;
  void load_forests(const toml::table& root, Topology& topo) const;
  void load_sites(const toml::table& root, Topology& topo) const;
  Server load_server(const toml::table& t) const;
  void load_services(const toml::table& root, Topology& topo) const;
  void load_clients(const toml::table& root, Topology& topo) const;
  void load_certificates(const toml::table& root, Topology& topo) const;
  void load_hosting(const toml::table& root, Topology& topo) const;
  void load_tenants(const toml::table& root, Topology& topo) const;
  void load_installed(const toml::table& root, Topology& topo) const;

  // validate.cpp
  void refuse_controls(const toml::node& n, std::string_view key) const;
  void check_model(const Topology& topo) const;
  void check_unique_names(const Topology& topo) const;

  const ClientCatalog& m_clients;
  InputLimits m_limits;
  mutable SourcePos m_root_pos;
};

} // namespace certplan::detail
