// JSON: keys in the order cli.md lists them, "schema" first. The plan is streamed (JsonWriter);
// the small documents are nlohmann::ordered_json trees.
#include "render/chunks.hpp"
#include "render/json_writer.hpp"
#include "render/render_internal.hpp"

#include <nlohmann/json.hpp>

namespace certplan {

using nlohmann::ordered_json;

namespace {

void write_namespace(JsonWriter& w, const Namespace& n) {
  w.begin_object();
  w.member("fqdn", n.fqdn.ascii);
  w.member("display", n.fqdn.display);
  w.key("services");
  w.begin_array();
  for (const auto s : n.services) {
    w.value(to_string(s));
  }
  w.end_array();
  w.member("site", n.site);
  w.key("sites");
  w.string_array(n.sites);
  w.member("forest", n.forest);
  w.member("scope", to_string(n.scope));
  w.member("role", to_string(n.role));
  w.member("tenant", n.tenant);
  w.member("on_certificate", n.on_certificate);
  w.end_object();
}

void write_dns_record(JsonWriter& w, const DnsRecord& r) {
  w.begin_object();
  w.member("name", r.name);
  w.member("type", r.type);
  w.member("value", r.value);
  w.member("zone", r.zone);
  w.member("view", r.view);
  w.member("note", r.note);
  w.end_object();
}

// The items of one of the plan's lists: the vector's before `at`, then the tenants' (a viewed
// plan's, made and written on every core, in order), then the vector's rest.
template <typename T, typename Tenants>
void plan_list(JsonWriter& w, const std::vector<T>& items, const TenantRecords* tenants, std::size_t at,
               void (*item)(JsonWriter&, const T&), const Tenants& visit) {
  if (tenants == nullptr) {
    at = items.size();
  }
  for (std::size_t i = 0; i < at; ++i) {
    item(w, items[i]);
  }
  if (tenants != nullptr) {
    const JsonWriter::Nesting nesting = w.nesting();
    render_in_order(
        tenants->tenants(),
        [&](std::size_t from, std::size_t to, std::string& text) {
          JsonWriter part(text, nesting);
          visit(from, to, [&](const T& x) { item(part, x); });
        },
        [&](std::string_view text) { w.splice(text); });
  }
  for (std::size_t i = at; i < items.size(); ++i) {
    item(w, items[i]);
  }
}

} // namespace

void write_plan_json(std::ostream& out, const Plan& plan, JsonStyle style, const DeployPlan* renewal) {
  // Streamed in cli.md's key order (what the ordered_json tree of earlier versions printed,
  // byte for byte: "verdicts" came last, after "summary").
  JsonWriter w(out, style);
  w.begin_object();
  w.member("schema", "certplan.plan/1");
  w.member("topology", plan.topology_path);
  w.member("organization", plan.organization);
  w.member("model", to_string(plan.model));
  w.member("exchange", to_string(plan.exchange));
  w.key("strategy");
  w.begin_object();
  w.member("requested", to_string(plan.strategy_requested));
  w.member("used", to_string(plan.strategy_used));
  w.member("reason", plan.strategy_reason);
  w.end_object();

  w.key("namespaces");
  w.begin_array();
  const TenantRecords* tenants = plan.tenant_records.get();
  plan_list(w, plan.namespaces, tenants, tenants ? tenants->namespaces_at() : 0, write_namespace,
            [&](std::size_t from, std::size_t to, const std::function<void(const Namespace&)>& fn) {
              tenants->namespaces(from, to, fn);
            });
  w.end_array();

  w.key("certificates");
  w.begin_array();
  for (const auto& c : plan.certificates) {
    w.begin_object();
    w.member("id", c.id);
    w.member("kind", to_string(c.kind));
    w.key("subject");
    w.begin_object();
    w.member("cn", c.cn);
    const auto& p = c.subject;
    for (const auto& [k, v] : {std::pair{"country", &p.country}, std::pair{"state", &p.state},
                               std::pair{"locality", &p.locality}, std::pair{"organization", &p.organization},
                               std::pair{"unit", &p.unit}}) {
      if (!v->empty()) {
        w.member(k, *v);
      }
    }
    w.end_object();
    w.key("sans");
    w.string_array(c.sans);
    w.key("sites");
    w.string_array(c.sites);
    w.key("services");
    w.string_array(c.services);
    w.member("forest", c.forest);
    w.member("authority", to_string(c.authority));
    w.member("key", c.key);
    w.member("binding", c.binding);
    w.member("needs_own_ip", c.needs_own_ip);
    w.member("principal_name", c.principal_name);
    w.member("exchange_command", c.exchange_command);
    w.end_object();
  }
  w.end_array();

  w.key("dns_records");
  w.begin_array();
  plan_list(w, plan.dns_records, tenants, tenants ? tenants->dns_records_at() : 0, write_dns_record,
            [&](std::size_t from, std::size_t to, const std::function<void(const DnsRecord&)>& fn) {
              tenants->dns_records(from, to, fn);
            });
  w.end_array();

  w.key("clients");
  w.begin_array();
  for (const auto& c : plan.clients) {
    w.begin_object();
    w.member("id", c.id);
    w.member("name", c.name);
    w.member("status", status_word(c.status));
    w.key("notes");
    w.string_array(c.notes);
    w.end_object();
  }
  w.end_array();

  w.key("warnings");
  w.begin_array();
  for (const auto& f : plan.findings) {
    w.begin_object();
    w.member("rule", f.rule);
    w.member("severity", to_string(f.severity));
    w.member("message", f.message);
    w.member("client", f.client);
    w.end_object();
  }
  w.end_array();

  w.key("summary");
  w.begin_object();
  w.member("namespaces", plan.namespace_count());
  w.member("certificates", plan.certificates.size());
  w.member("dns_records", plan.dns_record_count());
  w.member("worst", to_string(plan.worst()));
  w.end_object();

  w.key("verdicts");
  w.begin_array();
  for (const auto& v : plan.verdicts) {
    w.begin_object();
    w.member("endpoint", v.endpoint);
    w.member("service", v.service);
    w.member("client", v.client);
    w.member("status", v.status == Severity::info ? "ok" : v.status == Severity::warning ? "warning" : "fail");
    w.key("rules");
    w.string_array(v.rules);
    w.end_object();
  }
  w.end_array();
  if (renewal != nullptr) {
    w.key("renewal");
    w.value(plan_renewal_json(*renewal));
  }
  w.end_object();
  w.newline();
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
