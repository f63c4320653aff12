// Reading a topology file (topology.md). Every error is a certplan::Error of kind `input`
// with the file, line and column of the offending item.
#pragma once

#include <certplan/limits.hpp>
#include <certplan/topology.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace certplan {

class ClientCatalog;
namespace detail {
struct Layout;
}

// Where a topology text's table headers are, as parse_topology scanned it (opaque): the tenant
// edits below take it rather than scan 100,000 tables again (issue 18). Only for that text.
using TextLayout = std::shared_ptr<const detail::Layout>;

// Parses `text` as the topology named `path` (used only in messages and to resolve
// [[installed]] files). Client ids are checked against `clients`; more tenants than
// `limits.max_tenants` is an Error with Limit::tenants.
Topology parse_topology(std::string_view text, const std::string& path, const ClientCatalog& clients,
                        const InputLimits& limits = {});
// The same, and the text's layout into `layout`.
Topology parse_topology(std::string_view text, const std::string& path, const ClientCatalog& clients,
                        const InputLimits& limits, TextLayout& layout);

// Reads and parses the file at `path` (at most limits.max_file_bytes).
Topology load_topology(const std::string& path, const ClientCatalog& clients, const InputLimits& limits = {});

// The edits of `certplan tenant add|remove`, read without parsing the edited text whole (issue
// 18: one [[tenant]] table among 100,000). `before` is what parse_topology made of `text`, with
// the same catalog and limits. Each gives exactly what parse_topology gives for the edited text,
// or nullopt wherever it cannot be sure of that (the tenant array written otherwise than as
// [[tenant]] tables, other tables after the one cut, anything the loader would refuse): then
// parse the edited text whole, which also says what is wrong.

// `layout`, when given, is what parse_topology gave for `text` with `before`.

// `text` followed by `appended`: blank lines, then one [[tenant]] table. The tenant it reads:
// `before` with it pushed onto its tenants is what the edited text gives (no copy of
// `before`'s 100,000 tenants, which a plan of them may still be viewing).
std::optional<Tenant> parse_appended_tenant(const Topology& before, std::string_view text, std::string_view appended,
                                            const ClientCatalog& clients, const InputLimits& limits = {},
                                            const TextLayout& layout = {});

// `text` less the bytes [begin, end) that hold the table of before.tenants[index] (tenant_block's
// range), and the topology they give.
struct TenantCut {
  Topology topology;
  std::size_t begin = 0, end = 0;
};
std::optional<TenantCut> cut_tenant(const Topology& before, std::string_view text, std::size_t index,
                                    const ClientCatalog& clients, const InputLimits& limits = {},
                                    const TextLayout& layout = {});

// The byte range [begin, end) of `text` that removing tenant `name` deletes: the header line to
// the table's last value (trailing blank and comment lines before the next table header stay),
// plus one blank line directly above the header. Parses the whole text; throws Error(input)
// when there is no such tenant or it is not a [[tenant]] table of its own.
std::pair<std::size_t, std::size_t> tenant_block(std::string_view text, const std::string& path, std::string_view name);

} // namespace certplan
