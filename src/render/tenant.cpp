// The tenant runbook as text, Markdown (pipe tables, PowerShell blocks) or certplan.tenant/1
// JSON. The commands were made from templates/tenant/ with every value quoted; the tables'
// cells go through quote::markdown_cell and comments through quote::comment.
#include "render/render_internal.hpp"
#include "render/table.hpp"

#include <certplan/quote.hpp>
#include <certplan/tenant.hpp>

#include "util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace certplan {
namespace {

using nlohmann::ordered_json;

std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  bool markdown) {
  Table t(header);
  for (const auto& r : rows) {
    t.row(r);
  }
  return t.render(markdown);
}

std::string records_table(const std::vector<DnsRecord>& records, bool markdown) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : records) {
    rows.push_back({r.zone, r.name, r.type, r.value, r.note});
  }
  return table({"zone", "name", "type", "value", "note"}, rows, markdown);
}

std::string commands_block(const std::vector<std::string>& comments, const std::vector<std::string>& commands,
                           bool markdown) {
  std::string out = markdown ? "```powershell\n" : "";
  const std::string indent = markdown ? "" : "  ";
  for (const auto& c : comments) {
    out += indent + "# " + quote::comment(c) + "\n";
  }
  for (const auto& c : commands) {
    out += indent + c + "\n";
  }
  return out + (markdown ? "```\n" : "");
}

std::string runbook_text(const TenantRunbook& rb, bool markdown) {
  const bool add = rb.action == TenantAction::add;
  const auto heading = [markdown](std::string_view title, int level) { return section_heading(title, markdown, level); };
  const std::string gap = "\n";
  std::vector<std::string> domains;
  for (const auto& d : rb.tenant.domains) {
    domains.push_back(d.ascii);
  }

  std::string out = heading(fmt::format("Tenant {}: {}", add ? "onboarding" : "removal", rb.tenant.name), 1);
  out += fmt::format("Topology {}; {}; tenant autodiscover by {}; domains {}{}.\n", rb.topology_path,
                     version_label(rb.exchange), to_string(rb.autodiscover), util::join(domains, ", "),
                     rb.tenant.webmail ? "; webmail " + rb.tenant.webmail->ascii : std::string());
  out += add ? "The [[tenant]] table was appended to the topology file.\n"
             : "The [[tenant]] table was deleted from the topology file.\n";
  out += gap;

  out += heading(add ? "1. DNS records the tenant creates in its own zones"
                     : "1. DNS records the tenant deletes (or points elsewhere)",
                 2);
  const bool cnames = std::any_of(rb.tenant_records.begin(), rb.tenant_records.end(),
                                  [](const DnsRecord& r) { return r.type == "CNAME"; });
  if (add && cnames) {
    out += "CNAME records rather than A records, so the provider can change its IP addresses (seed 000).\n";
  }
  out += records_table(rb.tenant_records, markdown);
  if (!rb.provider_records.empty()) {
    out += gap;
    out += heading(add ? "1b. DNS records the provider adds" : "1b. DNS records the provider deletes", 2);
    out += records_table(rb.provider_records, markdown);
  }
  out += gap;

  out += heading(add ? "2. Host-header bindings the provider adds to the redirect web sites"
                     : "2. Host-header bindings the provider removes from the redirect web sites",
                 2);
  if (rb.bindings.empty()) {
    out += fmt::format("None: with [hosting] autodiscover = \"{}\" no redirect web site answers for the tenant{}.\n",
                       to_string(rb.autodiscover), rb.tenant.webmail ? "" : " and it has no webmail host");
  } else {
    std::set<std::string> servers;
    std::vector<std::string> sites;
    for (const auto& b : rb.bindings) {
      servers.insert(b.server);
      if (std::find(sites.begin(), sites.end(), b.site) == sites.end()) {
        sites.push_back(b.site);
      }
    }
    const std::vector<std::string> comments = {
        fmt::format("{}: {} seed 000 has you create on the secondary IP address", util::join(sites, " and "),
                    sites.size() == 1 ? "one of the two HTTP redirect web sites" : "the two HTTP redirect web sites"),
        "(seed 000 does not name them; use your sites' names). IIS WebAdministration module."};
    std::vector<std::string> commands;
    std::string server;
    for (const auto& b : rb.bindings) {
      // Each server runs its own copy of the sites; say where when there are several.
      if (servers.size() > 1 && b.server != server) {
        commands.push_back("# on " + quote::comment(b.server));
      }
      server = b.server;
      commands.push_back(b.command);
    }
    out += commands_block(comments, commands, markdown);
  }
  out += gap;

  out += heading("3. Certificates", 2);
  if (rb.certificates.empty()) {
    out += "No certificate change: the planned certificates carry the same names with and without this tenant";
    out += rb.autodiscover == AutodiscoverMethod::san
               ? ".\n"
               : fmt::format(" ([hosting] autodiscover = \"{}\" keeps tenant names off certificates).\n",
                             to_string(rb.autodiscover));
  } else {
    for (const auto& c : rb.certificates) {
      std::string line;
      if (c.change == "retired") {
        line = fmt::format("retire {}: no longer planned (it held {}); remove it from the servers", c.id,
                           util::join(c.dropped, ", "));
      } else if (c.change == "new") {
        line = fmt::format("re-issue {} (a new certificate): {}: {}", c.id, util::plural(c.sans_after, "SAN", "SANs"),
                           util::join(c.added, ", "));
      } else {
        line = fmt::format("re-issue {}: {} (was {})", c.id, util::plural(c.sans_after, "SAN", "SANs"), c.sans_before);
        if (!c.added.empty()) {
          line += ", adds " + util::join(c.added, ", ");
        }
        if (!c.dropped.empty()) {
          line += ", without " + util::join(c.dropped, ", ");
        }
        if (c.added.empty() && c.dropped.empty()) {
          line += ", same names in a new order";
        }
      }
      out += (markdown ? "- " : "  ") + line + "\n";
      if (!c.command.empty()) {
        out += markdown ? fmt::format("\n  ```powershell\n  {}\n  ```\n", c.command) : "      " + c.command + "\n";
      }
    }
  }
  out += gap;

  out += heading("4. Exchange commands (Exchange Management Shell)", 2);
  out += commands_block(rb.exchange_notes, rb.exchange_commands, markdown);
  return out;
}

ordered_json records_json(const std::vector<DnsRecord>& records) {
  ordered_json out = ordered_json::array();
  for (const auto& r : records) {
    out.push_back(ordered_json{{"name", r.name}, {"type", r.type}, {"value", r.value},
                               {"zone", r.zone}, {"view", r.view}, {"note", r.note}});
  }
  return out;
}

std::string runbook_json(const TenantRunbook& rb) {
  ordered_json domains = ordered_json::array();
  for (const auto& d : rb.tenant.domains) {
    domains.push_back(d.ascii);
  }
  ordered_json bindings = ordered_json::array();
  for (const auto& b : rb.bindings) {
    bindings.push_back(ordered_json{{"site", b.site}, {"server", b.server}, {"ip", b.ip},
                                    {"port", b.port}, {"host", b.host}, {"command", b.command}});
  }
  ordered_json certificates = ordered_json::array();
  for (const auto& c : rb.certificates) {
    certificates.push_back(ordered_json{{"id", c.id},
                                        {"change", c.change},
                                        {"reissue", c.change != "retired"},
                                        {"sans_before", c.sans_before},
                                        {"sans_after", c.sans_after},
                                        {"added", c.added},
                                        {"dropped", c.dropped},
                                        {"exchange_command", c.command}});
  }
  const bool reissue = std::any_of(rb.certificates.begin(), rb.certificates.end(),
                                   [](const CertificateChange& c) { return c.change != "retired"; });
  const ordered_json j{
      {"schema", "certplan.tenant/1"},
      {"action", to_string(rb.action)},
      {"topology", rb.topology_path},
      {"tenant", ordered_json{{"name", rb.tenant.name},
                              {"domains", std::move(domains)},
                              {"webmail", rb.tenant.webmail ? ordered_json(rb.tenant.webmail->ascii) : ordered_json()}}},
      {"exchange", to_string(rb.exchange)},
      {"autodiscover", to_string(rb.autodiscover)},
      {"dns_records", records_json(rb.tenant_records)},
      {"provider_dns_records", records_json(rb.provider_records)},
      {"bindings", std::move(bindings)},
      {"certificate_change", !rb.certificates.empty()},
      {"reissue", reissue},
      {"certificates", std::move(certificates)},
      {"exchange_notes", rb.exchange_notes},
      {"exchange_commands", rb.exchange_commands},
  };
  return j.dump(2) + "\n";
}

} // namespace

std::string render_tenant_runbook(const TenantRunbook& runbook, Format format) {
  switch (format) {
  case Format::json: return runbook_json(runbook);
  case Format::markdown: return runbook_text(runbook, true);
  case Format::text: return runbook_text(runbook, false);
  }
  return runbook_text(runbook, false);
}

} // namespace certplan
