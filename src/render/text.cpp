// Text and Markdown: the same sections, as aligned tables or as pipe tables.
#include "render/render_internal.hpp"
#include "render/table.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace certplan {
namespace {

std::string heading(const std::string& title, bool markdown, int level = 2) {
  if (markdown) {
    return std::string(static_cast<std::size_t>(level), '#') + " " + title + "\n\n";
  }
  return title + "\n" + std::string(title.size(), level == 1 ? '=' : '-') + "\n";
}

std::string services_of(const Namespace& n) {
  std::vector<std::string_view> s;
  for (const auto x : n.services) {
    s.push_back(to_string(x));
  }
  return fmt::format("{}", fmt::join(s, ","));
}

} // namespace

std::string_view status_word(Severity s) {
  switch (s) {
  case Severity::info: return "ok";
  case Severity::warning: return "warning";
  case Severity::failure: return "fail";
  }
  return "?";
}

std::string plan_text(const Plan& plan, bool md) {
  std::string out = heading(fmt::format("Certificate plan: {}", plan.organization), md, 1);
  const auto para = [&](const std::string& s) { out += s + (md ? "\n\n" : "\n"); };
  para(fmt::format("Topology {}; model {}; Exchange {}; strategy {} ({})", plan.topology_path, to_string(plan.model),
                   to_string(plan.exchange), to_string(plan.strategy_used), plan.strategy_reason));
  out += "\n";

  out += heading(fmt::format("Namespaces ({})", plan.namespaces.size()), md);
  Table ns({"fqdn", "scope", "role", "site", "on cert", "services"});
  for (const auto& n : plan.namespaces) {
    std::string name = n.fqdn.ascii;
    if (n.fqdn.display != n.fqdn.ascii) {
      name += " (" + n.fqdn.display + ")";
    }
    ns.row({name, std::string(to_string(n.scope)), n.role + (n.tenant.empty() ? "" : " " + n.tenant),
            n.sites.size() > 1 ? fmt::format("{}", fmt::join(n.sites, "+")) : n.site, n.on_certificate ? "yes" : "no",
            services_of(n)});
  }
  out += ns.render(md) + "\n";

  out += heading(fmt::format("Certificates ({})", plan.certificates.size()), md);
  for (const auto& c : plan.certificates) {
    if (md) {
      out += fmt::format("### {} ({})\n\n", c.id, to_string(c.kind));
      out += fmt::format("- CN: `{}`\n- SANs, in CSR order: {}\n- Sites: {}\n- Services: {}\n- Binding: {}\n", c.cn,
                         fmt::format("`{}`", fmt::join(c.sans, "`, `")), fmt::join(c.sites, ", "),
                         fmt::join(c.services, ", "), c.binding);
      if (!c.principal_name.empty()) {
        out += fmt::format("- Outlook Anywhere principal: `{}`\n", c.principal_name);
      }
      out += fmt::format("- Key: {} ({} authority)\n\n```powershell\n{}\n```\n\n", c.key, to_string(c.authority),
                         c.exchange_command);
      continue;
    }
    out += fmt::format("  [{}] {}  CN={}\n", to_string(c.kind), c.id, c.cn);
    for (std::size_t i = 0; i < c.sans.size(); ++i) {
      out += fmt::format("      SAN {:>3}  {}\n", i + 1, c.sans[i]);
    }
    out += fmt::format("      sites     {}\n      services  {}\n      binding   {}\n", fmt::join(c.sites, ", "),
                       fmt::join(c.services, ", "), c.binding);
    if (!c.principal_name.empty()) {
      out += fmt::format("      principal {}\n", c.principal_name);
    }
    out += fmt::format("      key       {} ({})\n      command   {}\n\n", c.key, to_string(c.authority),
                       c.exchange_command);
  }
  if (!md) {
    out += "\n";
  }

  out += heading(fmt::format("DNS records ({})", plan.dns_records.size()), md);
  Table dns({"view", "zone", "name", "type", "value", "note"});
  for (const auto& r : plan.dns_records) {
    dns.row({r.view, r.zone, r.name, r.type, r.value, r.note});
  }
  out += dns.render(md) + "\n";

  out += heading(fmt::format("Clients ({})", plan.clients.size()), md);
  Table cl({"client", "status", "notes"});
  for (const auto& c : plan.clients) {
    cl.row({c.id, std::string(status_word(c.status)), c.notes.empty() ? "-" : c.notes.front()});
    for (std::size_t i = 1; i < c.notes.size(); ++i) {
      cl.row({"", "", c.notes[i]});
    }
  }
  out += cl.render(md) + "\n";

  out += heading(fmt::format("Findings ({})", plan.findings.size()), md);
  for (const auto& f : plan.findings) {
    out += fmt::format("{}{} {}: {}\n", md ? "- " : "  ", f.rule, to_string(f.severity), f.message);
  }
  return out;
}

std::string clients_text(const ClientCatalog& catalog, bool md) {
  std::string out = heading("Client profiles (R13)", md, 1);
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

std::string render_plan(const Plan& plan, Format format) {
  return format == Format::json ? plan_json(plan) : plan_text(plan, format == Format::markdown);
}

std::string render_clients(const ClientCatalog& catalog, Format format) {
  return format == Format::json ? clients_json(catalog) : clients_text(catalog, format == Format::markdown);
}

} // namespace certplan
