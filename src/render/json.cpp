// JSON through nlohmann::ordered_json: keys in the order cli.md lists them, "schema" first.
#include "render/render_internal.hpp"

#include <nlohmann/json.hpp>

namespace certplan {

using nlohmann::ordered_json;

namespace {

ordered_json subject_json(const CertificatePlan& c) {
  ordered_json s;
  s["cn"] = c.cn;
  const auto& p = c.subject;
  for (const auto& [k, v] : {std::pair{"country", &p.country}, std::pair{"state", &p.state},
                             std::pair{"locality", &p.locality}, std::pair{"organization", &p.organization},
                             std::pair{"unit", &p.unit}}) {
    if (!v->empty()) {
      s[k] = *v;
    }
  }
  return s;
}

} // namespace

std::string plan_json(const Plan& plan) {
  ordered_json j;
  j["schema"] = "certplan.plan/1";
  j["topology"] = plan.topology_path;
  j["organization"] = plan.organization;
  j["model"] = to_string(plan.model);
  j["exchange"] = to_string(plan.exchange);
  j["strategy"] = {{"requested", to_string(plan.strategy_requested)},
                   {"used", to_string(plan.strategy_used)},
                   {"reason", plan.strategy_reason}};
  j["namespaces"] = ordered_json::array();
  for (const auto& n : plan.namespaces) {
    ordered_json o;
    o["fqdn"] = n.fqdn.ascii;
    if (n.fqdn.display != n.fqdn.ascii) {
      o["display"] = n.fqdn.display;
    }
    o["services"] = ordered_json::array();
    for (const auto s : n.services) {
      o["services"].push_back(to_string(s));
    }
    o["site"] = n.site;
    o["sites"] = n.sites;
    o["forest"] = n.forest;
    o["scope"] = to_string(n.scope);
    o["role"] = n.role;
    if (!n.tenant.empty()) {
      o["tenant"] = n.tenant;
    }
    o["on_certificate"] = n.on_certificate;
    j["namespaces"].push_back(std::move(o));
  }
  j["certificates"] = ordered_json::array();
  for (const auto& c : plan.certificates) {
    ordered_json o;
    o["id"] = c.id;
    o["kind"] = to_string(c.kind);
    o["subject"] = subject_json(c);
    o["sans"] = c.sans;
    o["sites"] = c.sites;
    o["services"] = c.services;
    o["forest"] = c.forest;
    o["authority"] = to_string(c.authority);
    o["key"] = c.key;
    o["binding"] = c.binding;
    o["needs_own_ip"] = c.needs_own_ip;
    if (!c.principal_name.empty()) {
      o["principal_name"] = c.principal_name;
    }
    o["exchange_command"] = c.exchange_command;
    j["certificates"].push_back(std::move(o));
  }
  j["dns_records"] = ordered_json::array();
  for (const auto& r : plan.dns_records) {
    j["dns_records"].push_back(
        {{"name", r.name}, {"type", r.type}, {"value", r.value}, {"zone", r.zone}, {"view", r.view}, {"note", r.note}});
  }
  j["clients"] = ordered_json::array();
  for (const auto& c : plan.clients) {
    j["clients"].push_back({{"id", c.id}, {"name", c.name}, {"status", status_word(c.status)}, {"notes", c.notes}});
  }
  j["warnings"] = ordered_json::array();
  for (const auto& f : plan.findings) {
    ordered_json o{{"rule", f.rule}, {"severity", to_string(f.severity)}, {"message", f.message}};
    if (!f.client.empty()) {
      o["client"] = f.client;
    }
    j["warnings"].push_back(std::move(o));
  }
  j["summary"] = {{"namespaces", plan.namespaces.size()},
                  {"certificates", plan.certificates.size()},
                  {"dns_records", plan.dns_records.size()},
                  {"worst", to_string(plan.worst())}};
  return j.dump(2) + "\n";
}

std::string clients_json(const ClientCatalog& catalog) {
  ordered_json j;
  j["schema"] = "certplan.clients/1";
  j["clients"] = ordered_json::array();
  for (const auto& p : catalog.all()) {
    ordered_json o;
    o["id"] = p.id;
    o["name"] = p.name;
    o["uses"] = ordered_json::array();
    for (const auto s : p.uses) {
      o["uses"].push_back(to_string(s));
    }
    o["wildcard"] = to_string(p.wildcard);
    o["name_source"] = to_string(p.name_source);
    o["sha256"] = to_string(p.sha256);
    o["sni"] = to_string(p.sni);
    o["ecdsa"] = to_string(p.ecdsa);
    o["autodiscover"] = {{"scp", to_string(p.autodiscover.scp)},
                         {"https_root", to_string(p.autodiscover.https_root)},
                         {"https_autodiscover", to_string(p.autodiscover.https_autodiscover)},
                         {"http_redirect", to_string(p.autodiscover.http_redirect)},
                         {"srv", to_string(p.autodiscover.srv)}};
    o["sources"] = p.sources;
    j["clients"].push_back(std::move(o));
  }
  return j.dump(2) + "\n";
}

} // namespace certplan
