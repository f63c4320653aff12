// Tenant onboarding (hosted model, issue 3): add or remove a [[tenant]] table by editing the
// topology TEXT (never re-serialising it, so comments and layout survive), and the runbook
// that says what the tenant, the provider and Exchange must do for it. Pure: the caller
// reads and writes the file.
#pragma once

#include <certplan/clients.hpp>
#include <certplan/limits.hpp>
#include <certplan/load.hpp> // tenant_block
#include <certplan/plan.hpp>
#include <certplan/render.hpp>
#include <certplan/topology.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace certplan {

// What `certplan tenant add` was asked for, as typed.
struct TenantRequest {
  std::string name;
  std::vector<std::string> domains; // the first is primary
  std::string webmail;              // "" for none
};

enum class TenantAction { add, remove };
std::string_view to_string(TenantAction a);

// A host-header binding on one of the provider's HTTP redirect web sites (seed 000).
struct RedirectBinding {
  std::string site;   // IIS site name
  std::string server; // NetBIOS name of the server the site runs on
  std::string ip;     // the server's secondary IP, or "*" when the topology has none
  unsigned port = 80;
  std::string host;
  std::string command; // New-WebBinding / Remove-WebBinding
};

// A certificate whose names differ between the plans without and with the tenant.
struct CertificateChange {
  std::string id;
  std::string change; // "new" | "changed" | "retired"
  std::size_t sans_before = 0;
  std::size_t sans_after = 0;
  std::vector<std::string> added;   // names on the certificate only with the change
  std::vector<std::string> dropped; // names no longer on it
  std::string command;              // the request for the re-issued certificate ("" when retired)
};

struct TenantRunbook {
  TenantAction action = TenantAction::add;
  std::string topology_path;
  Tenant tenant;
  ExchangeVersion exchange = ExchangeVersion::v2010;
  AutodiscoverMethod autodiscover = AutodiscoverMethod::redirect;
  std::vector<DnsRecord> tenant_records;   // in the tenant's zones: to create (add) or delete (remove)
  std::vector<DnsRecord> provider_records; // provider-side records that appear (add) or go (remove)
  std::vector<RedirectBinding> bindings;
  std::vector<CertificateChange> certificates; // empty: no certificate change
  std::vector<std::string> exchange_notes;     // comments printed above the commands
  std::vector<std::string> exchange_commands;
};

// The new file text and what to do about it.
struct TenantEdit {
  std::string text;
  TenantRunbook runbook;
};

// Appends a [[tenant]] table to `text` (the topology file `path`). Throws Error (usage or
// input) when the topology is not hosted, the name or a domain is taken or invalid, or
// --webmail has no webmail redirect site; the message names where the clash is.
TenantEdit add_tenant(std::string_view text, const std::string& path, const TenantRequest& request,
                      const ClientCatalog& catalog, const InputLimits& limits = {});

// Deletes tenant `name`'s [[tenant]] table from `text`. For text ending in "\n",
// remove_tenant(add_tenant(text).text) gives `text` back byte for byte.
TenantEdit remove_tenant(std::string_view text, const std::string& path, std::string_view name,
                         const ClientCatalog& catalog, const InputLimits& limits = {});

// The runbook as text, Markdown or certplan.tenant/1 JSON (src/render/tenant.cpp).
std::string render_tenant_runbook(const TenantRunbook& runbook, Format format);

} // namespace certplan
