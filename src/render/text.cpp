// Text and Markdown: the same sections, as aligned tables or as pipe tables.
#include "render/render_internal.hpp"
#include "render/table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <iterator>
#include <sstream>

namespace certplan {

std::string_view status_word(Severity s) {
  switch (s) {
  case Severity::info: return "ok";
  case Severity::warning: return "warning";
  case Severity::failure: return "fail";
  }
  return "?";
}

namespace {

using Row = std::array<std::string_view, 6>;

// A namespace's row; the cells it must make are kept here (one per thread that makes rows).
struct NamespaceCells {
  std::string name, role, sites, services;
  Row operator()(const Namespace& n) {
    std::string_view name_cell = n.fqdn.ascii;
    if (n.fqdn.display != n.fqdn.ascii) {
      name.assign(n.fqdn.ascii).append(" (").append(n.fqdn.display).append(")");
      name_cell = name;
    }
    std::string_view role_cell = to_string(n.role);
    if (!n.tenant.empty()) {
      role.assign(role_cell).append(" ").append(n.tenant);
      role_cell = role;
    }
    std::string_view site_cell = n.site;
    if (n.sites.size() > 1) {
      sites.clear();
      fmt::format_to(std::back_inserter(sites), "{}", fmt::join(n.sites, "+"));
      site_cell = sites;
    }
    services.clear();
    for (std::size_t i = 0; i < n.services.size(); ++i) {
      services.append(i == 0 ? "" : ",").append(to_string(n.services[i]));
    }
    return {name_cell, to_string(n.scope), role_cell, site_cell, n.on_certificate ? "yes" : "no", services};
  }
};

struct DnsCells {
  Row operator()(const DnsRecord& r) const { return {r.view, r.zone, r.name, r.type, r.value, r.note}; }
};

// One of the plan's lists as a table: the vector's rows before `at`, the tenants' (a viewed
// plan's, made on every core), then the vector's rest.
template <typename T, typename Cells, typename Tenants>
void plan_table(TextSink& out, const Row& header, bool md, const std::vector<T>& items, const TenantRecords* tenants,
                std::size_t at, Cells cells, const Tenants& visit) {
  if (tenants == nullptr) {
    at = items.size();
  }
  const auto head = [&](const auto& emit) {
    for (std::size_t i = 0; i < at; ++i) {
      emit(cells(items[i]));
    }
  };
  const auto tail = [&](const auto& emit) {
    for (std::size_t i = at; i < items.size(); ++i) {
      emit(cells(items[i]));
    }
  };
  const auto chunk = [&](std::size_t from, std::size_t to, const auto& emit) {
    Cells mine; // this thread's
    visit(from, to, [&](const T& x) { emit(mine(x)); });
  };
  stream_table_parts<6>(out, header, md, head, tenants ? tenants->tenants() : 0, chunk, tail);
}

} // namespace

void write_plan_text(std::ostream& os, const Plan& plan, bool md) {
  TextSink out(os);
  auto& buf = out.buf();
  const auto to = std::back_inserter(buf);
  out += section_heading(fmt::format("Certificate plan: {}", plan.organization), md, 1);
  fmt::format_to(to, "Topology {}; model {}; Exchange {}; strategy {} ({}){}", plan.topology_path, to_string(plan.model),
                 to_string(plan.exchange), to_string(plan.strategy_used), plan.strategy_reason, md ? "\n\n" : "\n");
  out += "\n";

  out += section_heading(fmt::format("Namespaces ({})", plan.namespace_count()), md);
  const TenantRecords* tenants = plan.tenant_records.get();
  plan_table(out, {"fqdn", "scope", "role", "site", "on cert", "services"}, md, plan.namespaces, tenants,
             tenants ? tenants->namespaces_at() : 0, NamespaceCells{},
             [&](std::size_t from, std::size_t to, const std::function<void(const Namespace&)>& fn) {
               tenants->namespaces(from, to, fn);
             });
  out += "\n";

  out += section_heading(fmt::format("Certificates ({})", plan.certificates.size()), md);
  for (const auto& c : plan.certificates) {
    if (md) {
      fmt::format_to(to, "### {} ({})\n\n", c.id, to_string(c.kind));
      fmt::format_to(to, "- CN: `{}`\n- SANs, in CSR order: `{}`\n- Sites: {}\n- Services: {}\n- Binding: {}\n", c.cn,
                     fmt::join(c.sans, "`, `"), fmt::join(c.sites, ", "), fmt::join(c.services, ", "), c.binding);
      if (!c.principal_name.empty()) {
        fmt::format_to(to, "- Outlook Anywhere principal: `{}`\n", c.principal_name);
      }
      fmt::format_to(to, "- Key: {} ({} authority)\n\n```powershell\n{}\n```\n\n", c.key, to_string(c.authority),
                     c.exchange_command);
      out.maybe_flush();
      continue;
    }
    fmt::format_to(to, "  [{}] {}  CN={}\n", to_string(c.kind), c.id, c.cn);
    for (std::size_t i = 0; i < c.sans.size(); ++i) {
      fmt::format_to(to, "      SAN {:>3}  {}\n", i + 1, c.sans[i]);
    }
    fmt::format_to(to, "      sites     {}\n      services  {}\n      binding   {}\n", fmt::join(c.sites, ", "),
                   fmt::join(c.services, ", "), c.binding);
    if (!c.principal_name.empty()) {
      fmt::format_to(to, "      principal {}\n", c.principal_name);
    }
    fmt::format_to(to, "      key       {} ({})\n      command   {}\n\n", c.key, to_string(c.authority),
                   c.exchange_command);
    out.maybe_flush();
  }
  if (!md) {
    out += "\n";
  }

  out += section_heading(fmt::format("DNS records ({})", plan.dns_record_count()), md);
  plan_table(out, {"view", "zone", "name", "type", "value", "note"}, md, plan.dns_records, tenants,
             tenants ? tenants->dns_records_at() : 0, DnsCells{},
             [&](std::size_t from, std::size_t to, const std::function<void(const DnsRecord&)>& fn) {
               tenants->dns_records(from, to, fn);
             });
  out += "\n";

  out += section_heading(fmt::format("Clients ({})", plan.clients.size()), md);
  stream_table<3>(out, {"client", "status", "notes"}, md, [&](const auto& emit) {
    for (const auto& c : plan.clients) {
      emit(std::array<std::string_view, 3>{c.id, status_word(c.status),
                                           c.notes.empty() ? std::string_view("-") : std::string_view(c.notes.front())});
      for (std::size_t i = 1; i < c.notes.size(); ++i) {
        emit(std::array<std::string_view, 3>{"", "", c.notes[i]});
      }
    }
  });
  out += "\n";

  out += section_heading(fmt::format("Findings ({})", plan.findings.size()), md);
  for (const auto& f : plan.findings) {
    fmt::format_to(to, "{}{} {}: {}\n", md ? "- " : "  ", f.rule, to_string(f.severity), f.message);
    out.maybe_flush();
  }
}

std::string clients_text(const ClientCatalog& catalog, bool md) {
  std::string out = section_heading("Client profiles (R13)", md, 1);
  Table t({"id", "wildcard", "names", "sni", "sha256", "ecdsa", "redirect", "srv", "name"});
  for (const auto& p : catalog.all()) {
    t.row({p.id, std::string(to_string(p.wildcard)), std::string(to_string(p.name_source)),
           std::string(to_string(p.sni)), std::string(to_string(p.sha256)), std::string(to_string(p.ecdsa)),
           std::string(to_string(p.autodiscover.http_redirect)), std::string(to_string(p.autodiscover.srv)), p.name});
  }
  out += t.render(md);
  return out;
}

std::optional<Format> format_from_string(std::string_view s) {
  if (s == "text") {
    return Format::text;
  }
  if (s == "json") {
    return Format::json;
  }
  if (s == "markdown" || s == "md") {
    return Format::markdown;
  }
  return std::nullopt;
}

void write_plan(std::ostream& out, const Plan& plan, Format format, JsonStyle style, const DeployPlan* renewal) {
  if (format == Format::json) {
    write_plan_json(out, plan, style, renewal);
  } else {
    write_plan_text(out, plan, format == Format::markdown);
    if (renewal != nullptr) {
      out << "\n" << plan_renewal_text(*renewal, format == Format::markdown);
    }
  }
}

std::string render_plan(const Plan& plan, Format format) {
  std::ostringstream out;
  write_plan(out, plan, format);
  return std::move(out).str();
}

std::string render_clients(const ClientCatalog& catalog, Format format) {
  return format == Format::json ? clients_json(catalog) : clients_text(catalog, format == Format::markdown);
}

} // namespace certplan
