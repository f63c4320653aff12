// Reading a topology file (topology.md). Every error is a certplan::Error of kind `input`
// with the file, line and column of the offending item.
#pragma once

#include <certplan/limits.hpp>
#include <certplan/topology.hpp>

#include <string>
#include <string_view>

namespace certplan {

class ClientCatalog;

// Parses `text` as the topology named `path` (used only in messages and to resolve
// [[installed]] files). Client ids are checked against `clients`; more tenants than
// `limits.max_tenants` is an Error with Limit::tenants.
Topology parse_topology(std::string_view text, const std::string& path, const ClientCatalog& clients,
                        const InputLimits& limits = {});

// Reads and parses the file at `path` (at most limits.max_file_bytes).
Topology load_topology(const std::string& path, const ClientCatalog& clients, const InputLimits& limits = {});

} // namespace certplan
