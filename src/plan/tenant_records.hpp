// Private to the plan module: one hosted tenant's namespaces and DNS records, made from the
// values all tenants share. The one place they are derived: make_plan collects them into
// Plan::namespaces and Plan::dns_records; make_plan_viewing leaves them to TenantRecords,
// which makes them again as a renderer visits them (issue 18: a hoster's 100,000 tenants
// would otherwise be 2.5 KiB each in memory).
#pragma once

#include <certplan/plan.hpp>

#include <fmt/format.h>

#include <iterator>
#include <memory>
#include <utility>
#include <string>

namespace certplan {

class ZoneIndex;

// What every tenant's records share (seeds 000 and 002, R2), made once per plan.
struct TenantContext {
  AutodiscoverMethod method = AutodiscoverMethod::redirect;
  std::string site;   // the first internet-facing site, which serves every tenant name
  std::string forest; // its forest
  std::string autodiscover_value; // CNAME target or SRV value of a tenant's autodiscover record
  std::string mx_value;           // "10 <mail host>." (after the RFC 2181 rewrite, see below)
  std::string mx_note_suffix;     // what that rewrite adds to the note ("" when none)
  std::string webmail_value;      // CNAME target of a vanity webmail host
  std::shared_ptr<const ZoneIndex> zones;

  // The zone a tenant's `name` goes in, written into `out` (reused: no allocation per record).
  void zone_of(std::string_view name, std::string& out) const;
  void zone_of_autodiscover(const std::string& domain, std::string& out) const;
};

TenantContext tenant_context(const Topology& topo, std::shared_ptr<const ZoneIndex> zones);

// How many namespaces and DNS records tenant `t` has.
inline std::size_t tenant_namespace_count(const TenantContext& c, const Tenant& t) {
  return (c.method == AutodiscoverMethod::srv ? 0 : t.domains.size()) + (t.webmail ? 1 : 0);
}
inline std::size_t tenant_dns_count(const Tenant& t) { return 2 * t.domains.size() + (t.webmail ? 1 : 0); }

// Calls fn(const Namespace&) for each of the tenant's names, in derivation order (R2: an
// autodiscover name per domain unless SRV; then the webmail host, http:// only). `ns` is the
// scratch each is built in: its strings keep their capacity from one call to the next.
template <typename Fn>
void tenant_namespaces(const TenantContext& c, const Tenant& t, Namespace& ns, const Fn& fn) {
  const auto common = [&](Service service) {
    ns.services.assign(1, service);
    ns.site.assign(c.site);
    ns.sites.resize(1);
    ns.sites[0].assign(c.site);
    ns.forest.assign(c.forest);
    ns.scope = Scope::external;
    ns.tenant.assign(t.name);
  };
  if (c.method != AutodiscoverMethod::srv) {
    for (const auto& d : t.domains) {
      ns.fqdn.ascii.assign("autodiscover.").append(d.ascii);
      ns.fqdn.display.assign("autodiscover.").append(d.display);
      common(Service::autodiscover);
      ns.role = c.method == AutodiscoverMethod::san ? NamespaceRole::tenant_autodiscover
                                                    : NamespaceRole::tenant_autodiscover_redirect;
      ns.on_certificate = c.method == AutodiscoverMethod::san;
      ns.rank = 4;
      fn(std::as_const(ns));
    }
  }
  if (t.webmail) {
    ns.fqdn.ascii.assign(t.webmail->ascii);
    ns.fqdn.display.assign(t.webmail->display);
    common(Service::owa);
    ns.role = NamespaceRole::tenant_webmail;
    ns.on_certificate = false; // http:// only, redirected by the webmail redirect site
    ns.rank = 2;
    fn(std::as_const(ns));
  }
}

// Calls fn(const DnsRecord&) for each of the tenant's records, in plan order: per domain its
// autodiscover record (CNAME to the redirect site or the provider, or SRV) and its MX; then
// the webmail CNAME. No tenant record is an A record.
template <typename Fn>
void tenant_dns(const TenantContext& c, const Tenant& t, DnsRecord& r, const Fn& fn) {
  r.view.assign("external");
  const auto note = [&](const char* text) {
    r.note.clear();
    fmt::format_to(std::back_inserter(r.note), "tenant {}: {}", t.name, text);
  };
  for (const auto& d : t.domains) {
    switch (c.method) {
    case AutodiscoverMethod::redirect:
    case AutodiscoverMethod::san:
      r.name.assign("autodiscover.").append(d.ascii);
      c.zone_of_autodiscover(d.ascii, r.zone);
      r.type.assign("CNAME");
      note(c.method == AutodiscoverMethod::redirect ? "to the HTTP redirect site (seed 002)"
                                                    : "name is on the provider certificate (R2)");
      break;
    case AutodiscoverMethod::srv:
      r.name.assign("_autodiscover._tcp.").append(d.ascii);
      r.zone.assign(d.ascii);
      r.type.assign("SRV");
      note("SRV to the provider's autodiscover (R2)");
      break;
    }
    r.value.assign(c.autodiscover_value);
    fn(std::as_const(r));
    r.name.assign(d.ascii);
    r.zone.assign(d.ascii);
    r.type.assign("MX");
    r.value.assign(c.mx_value);
    note("inbound mail");
    r.note.append(c.mx_note_suffix);
    fn(std::as_const(r));
  }
  if (t.webmail) {
    r.name.assign(t.webmail->ascii);
    c.zone_of(t.webmail->ascii, r.zone);
    r.type.assign("CNAME");
    r.value.assign(c.webmail_value);
    note("vanity webmail, http:// only (seed 000)");
    fn(std::as_const(r));
  }
}

} // namespace certplan
