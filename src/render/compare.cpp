// The autodiscover comparison: one column per option.
#include "util/text.hpp"
#include "render/render_internal.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace certplan {

std::string render_comparison(const Comparison& c, Format format) {
  if (format == Format::json) {
    nlohmann::ordered_json options = nlohmann::ordered_json::array();
    for (const auto& o : c.options) {
      nlohmann::ordered_json clients = nlohmann::ordered_json::array();
      for (const auto& e : o.clients) {
        clients.push_back({{"id", e.id}, {"experience", to_string(e.experience)}, {"detail", e.detail}});
      }
      options.push_back({{"method", to_string(o.method)},
                         {"certificates", o.certificate_ids.size()},
                         {"certificate_ids", o.certificate_ids},
                         {"names_on_certificates", o.names_on_certificates},
                         {"ip_addresses", o.ip_addresses},
                         {"ip_detail", o.ip_detail},
                         {"dns_records_per_tenant", o.dns_records_per_tenant},
                         {"tenant_dns_records", o.tenant_dns_records},
                         {"first_tenant_records", o.tenant_records},
                         {"reissue_on_tenant_change", o.reissue_on_tenant_change},
                         {"clients", std::move(clients)}});
    }
    nlohmann::ordered_json j{{"schema", "certplan.compare/1"},
                             {"topology", c.topology},
                             {"tenants", c.tenants},
                             {"tenant_domains", c.tenant_domains},
                             {"max_names", c.max_names},
                             {"options", std::move(options)}};
    return j.dump(2) + "\n";
  }
  const bool md = format == Format::markdown;
  // Rows of the side-by-side table: label, then one cell per option.
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"", "redirect", "srv", "san"});
  const auto row = [&](std::string label, auto cell) {
    std::vector<std::string> r{std::move(label)};
    for (const auto& o : c.options) {
      r.push_back(cell(o));
    }
    rows.push_back(std::move(r));
  };
  row("certificates", [](const OptionSummary& o) { return std::to_string(o.certificate_ids.size()); });
  row("names on certificates", [](const OptionSummary& o) { return std::to_string(o.names_on_certificates); });
  row("IP addresses (R12)", [](const OptionSummary& o) { return std::to_string(o.ip_addresses); });
  row("DNS records per tenant", [](const OptionSummary& o) { return fmt::format("{:.1f}", o.dns_records_per_tenant); });
  row("tenant DNS records, all", [](const OptionSummary& o) { return std::to_string(o.tenant_dns_records); });
  row("re-issue on tenant change", [](const OptionSummary& o) { return std::string(o.reissue_on_tenant_change ? "yes" : "no"); });
  for (std::size_t i = 0; !c.options.empty() && i < c.options.front().clients.size(); ++i) {
    row(c.options.front().clients[i].id, [i](const OptionSummary& o) { return std::string(to_string(o.clients[i].experience)); });
  }
  std::vector<std::size_t> width(4, 0);
  for (const auto& r : rows) {
    for (std::size_t k = 0; k < r.size(); ++k) {
      width[k] = std::max(width[k], r[k].size());
    }
  }
  std::string out = md ? "# Autodiscover options compared\n\n" : "Autodiscover options compared\n=============================\n";
  out += fmt::format("{}{}: {}, {}, max_names = {}\n\n", md ? "" : "", c.topology, util::plural(c.tenants, "tenant", "tenants"),
                     util::plural(c.tenant_domains, "tenant domain", "tenant domains"), c.max_names);
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const auto& r = rows[k];
    if (md) {
      out += fmt::format("| {} |\n", fmt::join(r, " | "));
      if (k == 0) {
        out += "|---|---|---|---|\n";
      }
      continue;
    }
    out += fmt::format("  {:<{}}  {:<{}}  {:<{}}  {}\n", r[0], width[0], r[1], width[1], r[2], width[2], r[3]);
  }
  out += "\n";
  for (const auto& o : c.options) {
    out += md ? fmt::format("## {}\n\n", to_string(o.method)) : fmt::format("{}\n", to_string(o.method));
    const char* bullet = md ? "- " : "  ";
    out += fmt::format("{}certificates: {}\n", bullet, fmt::join(o.certificate_ids, ", "));
    out += fmt::format("{}IP addresses: {}\n", bullet, o.ip_detail);
    for (const auto& r : o.tenant_records) {
      out += fmt::format("{}first tenant's record: {}\n", bullet, r);
    }
    for (const auto& e : o.clients) {
      if (!e.detail.empty()) {
        out += fmt::format("{}{}: {}\n", bullet, e.id, e.detail);
      }
    }
    out += "\n";
  }
  return out;
}

} // namespace certplan
