// --compare-autodiscover: the plan made three times, once per hosting.autodiscover option;
// what each client sees comes from the autodiscover trace of the first tenant's domain.
#include "plan/plan_internal.hpp"

#include <certplan/compare.hpp>
#include <certplan/trace.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace certplan {

std::string_view to_string(Experience e) {
  switch (e) {
  case Experience::silent: return "works silently";
  case Experience::prompt: return "one-time redirect prompt";
  case Experience::warning: return "certificate warning";
  case Experience::manual: return "manual server entry";
  case Experience::fails: return "fails";
  case Experience::not_applicable: return "n/a (no autodiscover)";
  }
  return "?";
}

namespace {

OptionSummary summarise(const Topology& base, const ClientCatalog& catalog, AutodiscoverMethod method) {
  Topology topo = base;
  topo.hosting->autodiscover = method;
  if (method == AutodiscoverMethod::redirect && !topo.hosting->redirect_host) {
    std::string why;
    topo.hosting->redirect_host = normalize_host("autodiscoverredirect." + topo.hosting->provider_domain.ascii, why);
  }
  const Plan plan = make_plan(topo, catalog);
  OptionSummary o;
  o.method = method;
  o.reissue_on_tenant_change = method == AutodiscoverMethod::san;

  const Site& site = primary_site(topo);
  std::size_t iis = 0;
  for (const auto& c : plan.certificates) {
    o.certificate_ids.push_back(c.id);
    o.names_on_certificates += c.sans.size();
    const bool on_443 = std::find(c.services.begin(), c.services.end(), "IIS") != c.services.end() &&
                        std::find(c.sites.begin(), c.sites.end(), site.name) != c.sites.end();
    iis += on_443 ? 1 : 0;
  }
  SupportedClients supported;
  for (const auto& ref : topo.clients) {
    supported.list.push_back(catalog.find(ref.id));
  }
  const auto no_sni = supported.without_sni();
  // R12: without SNI every certificate on 443 needs its own address; the redirect web
  // sites (autodiscover and webmail, host headers on port 80) share one more.
  const std::size_t cert_ips = no_sni.empty() ? std::min<std::size_t>(iis, 1) : iis;
  const bool webmail = std::any_of(topo.tenants.begin(), topo.tenants.end(), [](const Tenant& t) { return t.webmail.has_value(); });
  const bool redirect_site = method == AutodiscoverMethod::redirect || webmail;
  o.ip_addresses = cert_ips + (redirect_site ? 1 : 0);
  std::vector<std::string> why;
  why.push_back(no_sni.empty() ? fmt::format("{} certificate(s) on 443 share one IP by SNI", iis)
                               : fmt::format("{} certificate(s) on 443, one IP each (SNI is not known for {})", iis,
                                             no_sni.front()->id + (no_sni.size() > 1 ? " and others" : "")));
  if (redirect_site) {
    // Not a certificate address: nothing may answer 443 there, so the Default Web Site's 443
    // is bound to the primary IP only (white paper "Using Redirection"; seed 000; R12).
    why.emplace_back(fmt::format("+1 for the {} (port 80 only; bind the Default Web Site's 443 to the primary IP "
                                 "only)",
                                 method == AutodiscoverMethod::redirect ? "redirect web sites" : "webmail redirect site"));
  }
  o.ip_detail = fmt::format("{}", fmt::join(why, "; "));

  // DNS: the records that live in tenants' zones (the tenant must create them).
  std::set<std::string> tenant_zones;
  for (const auto& t : topo.tenants) {
    for (const auto& d : t.domains) {
      tenant_zones.insert(d.ascii);
    }
  }
  for (const auto& r : plan.dns_records) {
    if (tenant_zones.count(r.zone) != 0) {
      ++o.tenant_dns_records;
    }
  }
  if (!topo.tenants.empty()) {
    o.dns_records_per_tenant = static_cast<double>(o.tenant_dns_records) / static_cast<double>(topo.tenants.size());
    const auto& first = topo.tenants.front();
    for (const auto& r : plan.dns_records) {
      const bool mine = std::any_of(first.domains.begin(), first.domains.end(), [&](const HostName& d) { return d.ascii == r.zone; });
      if (mine) {
        o.tenant_records.push_back(fmt::format("{} {} {}", r.name, r.type, r.value));
      }
    }
  }

  // What users see: the trace of the first tenant's primary domain, per supported client.
  const std::string email = topo.tenants.empty() ? "user@" + topo.hosting->provider_domain.ascii
                                                 : "user@" + topo.tenants.front().domains.front().ascii;
  for (const auto* p : supported.list) {
    ClientExperience e;
    e.id = p->id;
    const auto outcome = std::find_if(plan.clients.begin(), plan.clients.end(), [&](const ClientOutcome& c) { return c.id == p->id; });
    if (!p->uses_service(Service::autodiscover)) {
      e.experience = Experience::not_applicable;
    } else {
      const Trace t = trace_autodiscover(topo, plan, *p, email, false);
      e.detail = t.summary;
      e.experience = !t.landed    ? Experience::manual
                     : t.warned   ? Experience::warning
                     : t.prompted ? Experience::prompt
                                  : Experience::silent;
    }
    if (outcome != plan.clients.end() && outcome->status == Severity::failure) {
      e.experience = Experience::fails;
      for (const auto& n : outcome->notes) {
        if (n.find("failure") != std::string::npos) {
          e.detail = n;
          break;
        }
      }
    }
    o.clients.push_back(std::move(e));
  }
  return o;
}

} // namespace

Comparison compare_autodiscover(const Topology& topo, const ClientCatalog& catalog) {
  if (!topo.hosting) {
    throw Error(ErrorKind::usage, fmt::format("--compare-autodiscover compares the hosted model's options; {} has "
                                              "model \"{}\"",
                                              topo.path, to_string(topo.organization.model)));
  }
  Comparison c;
  c.topology = topo.path;
  c.tenants = topo.tenants.size();
  for (const auto& t : topo.tenants) {
    c.tenant_domains += t.domains.size();
  }
  c.max_names = topo.certificates.max_names;
  for (const auto m : {AutodiscoverMethod::redirect, AutodiscoverMethod::srv, AutodiscoverMethod::san}) {
    c.options.push_back(summarise(topo, catalog, m));
  }
  return c;
}

} // namespace certplan
