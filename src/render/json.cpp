// JSON through nlohmann::ordered_json: keys in the order cli.md lists them, "schema" first.
#include "render/render_internal.hpp"

#include <nlohmann/json.hpp>

namespace certplan {

using nlohmann::ordered_json;

namespace {

// An object with room for `n` members: ordered_json keeps members in a vector, and growing
// it copies them (their keys are const), so reserve first and append in order.
ordered_json object(std::size_t n) {
  ordered_json o = ordered_json::object();
  o.get_ref<ordered_json::object_t&>().reserve(n);
  return o;
}

void put(ordered_json& o, const char* key, ordered_json value) {
  o.get_ref<ordered_json::object_t&>().emplace_back(key, std::move(value));
}

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
  // ordered_json keeps keys in a vector of pair<const string, json>: growing an object
  // copies its members. So objects are built whole (initializer lists) and the big arrays
  // are moved into keys that already exist; a hoster's plan has 100,000s of values.
  ordered_json namespaces = ordered_json::array();
  namespaces.get_ref<ordered_json::array_t&>().reserve(plan.namespaces.size());
  for (const auto& n : plan.namespaces) {
    ordered_json services = ordered_json::array();
    for (const auto s : n.services) {
      services.push_back(to_string(s));
    }
    ordered_json o = object(10);
    put(o, "fqdn", n.fqdn.ascii);
    put(o, "display", n.fqdn.display);
    put(o, "services", std::move(services));
    put(o, "site", n.site);
    put(o, "sites", n.sites);
    put(o, "forest", n.forest);
    put(o, "scope", to_string(n.scope));
    put(o, "role", n.role);
    put(o, "tenant", n.tenant);
    put(o, "on_certificate", n.on_certificate);
    namespaces.push_back(std::move(o));
  }
  ordered_json certificates = ordered_json::array();
  for (const auto& c : plan.certificates) {
    certificates.push_back(ordered_json{{"id", c.id},
                                        {"kind", to_string(c.kind)},
                                        {"subject", subject_json(c)},
                                        {"sans", c.sans},
                                        {"sites", c.sites},
                                        {"services", c.services},
                                        {"forest", c.forest},
                                        {"authority", to_string(c.authority)},
                                        {"key", c.key},
                                        {"binding", c.binding},
                                        {"needs_own_ip", c.needs_own_ip},
                                        {"principal_name", c.principal_name},
                                        {"exchange_command", c.exchange_command}});
  }
  ordered_json dns = ordered_json::array();
  dns.get_ref<ordered_json::array_t&>().reserve(plan.dns_records.size());
  for (const auto& r : plan.dns_records) {
    ordered_json o = object(6);
    put(o, "name", r.name);
    put(o, "type", r.type);
    put(o, "value", r.value);
    put(o, "zone", r.zone);
    put(o, "view", r.view);
    put(o, "note", r.note);
    dns.push_back(std::move(o));
  }
  ordered_json clients = ordered_json::array();
  for (const auto& c : plan.clients) {
    clients.push_back(ordered_json{{"id", c.id}, {"name", c.name}, {"status", status_word(c.status)}, {"notes", c.notes}});
  }
  ordered_json warnings = ordered_json::array();
  for (const auto& f : plan.findings) {
    warnings.push_back(ordered_json{
        {"rule", f.rule}, {"severity", to_string(f.severity)}, {"message", f.message}, {"client", f.client}});
  }
  ordered_json j{{"schema", "certplan.plan/1"},
                 {"topology", plan.topology_path},
                 {"organization", plan.organization},
                 {"model", to_string(plan.model)},
                 {"exchange", to_string(plan.exchange)},
                 {"strategy",
                  {{"requested", to_string(plan.strategy_requested)},
                   {"used", to_string(plan.strategy_used)},
                   {"reason", plan.strategy_reason}}},
                 {"namespaces", nullptr},
                 {"certificates", nullptr},
                 {"dns_records", nullptr},
                 {"clients", nullptr},
                 {"warnings", nullptr},
                 {"summary",
                  {{"namespaces", plan.namespaces.size()},
                   {"certificates", plan.certificates.size()},
                   {"dns_records", plan.dns_records.size()},
                   {"worst", to_string(plan.worst())}}}};
  j["namespaces"] = std::move(namespaces);
  j["certificates"] = std::move(certificates);
  j["dns_records"] = std::move(dns);
  j["clients"] = std::move(clients);
  ordered_json verdicts = ordered_json::array();
  for (const auto& v : plan.verdicts) {
    verdicts.push_back(ordered_json{{"endpoint", v.endpoint}, {"service", v.service}, {"client", v.client},
                                    {"status", v.status == Severity::info ? "ok" : v.status == Severity::warning ? "warning" : "fail"},
                                    {"rules", v.rules}});
  }
  j["verdicts"] = std::move(verdicts);
  j["warnings"] = std::move(warnings);
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
