// Tenant runbook derivation (issue 3; seeds 000 and 001): what the tenant, the provider and
// Exchange must do for a tenant added or removed. The DNS records and certificates come from
// the planner's own output, so the runbook says exactly what the planner derives, never a
// second opinion. src/render/tenant.cpp renders it.
#include "tenant/runbook.hpp"

#include <certplan/error.hpp>
#include <certplan/quote.hpp>

#include <fmt/format.h>

#include <map>
#include <set>
#include <unordered_set>

namespace certplan {
namespace {

// Seed 000 has you create two IIS web sites on the secondary IP for the redirects but does
// not name them; these are certplan's names for them.
constexpr std::string_view k_autodiscover_site = "AutodiscoverRedirect";
constexpr std::string_view k_webmail_site = "WebmailRedirect";

// Every runbook command comes from a templates/tenant/ template whose placeholders name
// their language ({{ps:name}}), so each value is one PowerShell literal (issue 13).
std::string render(std::string_view name, const quote::Values& values) {
  std::string out = quote::expand_template("templates/tenant/" + std::string(name), values);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
    out.pop_back();
  }
  return out;
}

// What makes two records the same record: view, name, type and value (views into the plan).
struct RecordKey {
  std::string_view view, name, type, value;
  explicit RecordKey(const DnsRecord& r) : view(r.view), name(r.name), type(r.type), value(r.value) {}
  bool operator==(const RecordKey&) const = default;
};
struct RecordKeyHash {
  std::size_t operator()(const RecordKey& k) const {
    const std::hash<std::string_view> h;
    return ((h(k.name) * 31 + h(k.value)) * 31 + h(k.type)) * 31 + h(k.view);
  }
};

} // namespace

std::vector<CertificateChange> certificate_changes(const Plan& before, const Plan& after) {
  std::map<std::string, const CertificatePlan*> old_by_id;
  for (const auto& c : before.certificates) {
    old_by_id.emplace(c.id, &c);
  }
  std::set<std::string> seen;
  std::vector<CertificateChange> out;
  for (const auto& c : after.certificates) {
    seen.insert(c.id);
    const auto it = old_by_id.find(c.id);
    CertificateChange ch;
    ch.id = c.id;
    ch.sans_after = c.sans.size();
    ch.command = c.exchange_command;
    if (it == old_by_id.end()) {
      ch.change = "new";
      ch.added = c.sans;
      out.push_back(std::move(ch));
      continue;
    }
    const auto& old = *it->second;
    // Order matters too: the CN is the first name and the CSR lists them in R7 order.
    if (old.sans == c.sans && old.cn == c.cn) {
      continue;
    }
    ch.change = "changed";
    ch.sans_before = old.sans.size();
    const std::set<std::string> was(old.sans.begin(), old.sans.end());
    const std::set<std::string> now(c.sans.begin(), c.sans.end());
    for (const auto& s : c.sans) {
      if (was.count(s) == 0) {
        ch.added.push_back(s);
      }
    }
    for (const auto& s : old.sans) {
      if (now.count(s) == 0) {
        ch.dropped.push_back(s);
      }
    }
    out.push_back(std::move(ch));
  }
  for (const auto& c : before.certificates) {
    if (seen.count(c.id) == 0) {
      CertificateChange ch;
      ch.id = c.id;
      ch.change = "retired";
      ch.sans_before = c.sans.size();
      ch.dropped = c.sans;
      out.push_back(std::move(ch));
    }
  }
  return out;
}

TenantRunbook make_runbook(TenantAction action, const Topology& with, const Tenant& tenant, const Plan& plan_with,
                           const Plan& plan_without) {
  const Hosting& hosting = *with.hosting;

  TenantRunbook rb;
  rb.action = action;
  rb.topology_path = with.path;
  rb.tenant = tenant;
  rb.exchange = with.organization.exchange;
  rb.autodiscover = hosting.autodiscover;

  // (a) DNS: the tenant's zones, plus its webmail name wherever it lives.
  std::set<std::string> zones;
  for (const auto& d : tenant.domains) {
    zones.insert(d.ascii);
  }
  // Provider records the edit adds or drops: those of plan_with not in plan_without. With both
  // plans viewed (make_plan_viewing, tenants alike), the tenants' parts differ by this
  // tenant's records alone, none of them a provider name's: only the vectors are compared.
  const bool viewed = plan_with.tenant_records != nullptr;
  if (viewed != (plan_without.tenant_records != nullptr) ||
      (viewed && !plan_with.tenant_records->alike(*plan_without.tenant_records))) {
    throw Error(ErrorKind::internal, "tenant runbook: the plans before and after must be made alike");
  }
  std::unordered_set<RecordKey, RecordKeyHash> without_keys;
  without_keys.reserve(plan_without.dns_records.size());
  for (const auto& r : plan_without.dns_records) {
    without_keys.emplace(r);
  }
  const auto in_tenant_zone = [&](const DnsRecord& r) {
    return zones.count(r.zone) != 0 || (tenant.webmail && r.name == tenant.webmail->ascii);
  };
  const auto provider_record = [&](const DnsRecord& r) {
    if (r.view != "external") {
      return;
    }
    if (in_tenant_zone(r)) {
      rb.tenant_records.push_back(r);
    } else if (without_keys.count(RecordKey(r)) == 0) {
      // e.g. the webmail redirect site's A record, planned only once a tenant has webmail.
      rb.provider_records.push_back(r);
    }
  };
  const std::size_t at = viewed ? plan_with.tenant_records->dns_records_at() : plan_with.dns_records.size();
  for (std::size_t i = 0; i < at; ++i) {
    provider_record(plan_with.dns_records[i]);
  }
  if (viewed) {
    // Only the tenants near this one's names can have records in its zones (issue 18: not
    // every record of 100,000 tenants made to find this one's).
    std::vector<std::string_view> near;
    for (const auto& z : zones) {
      near.emplace_back(z);
    }
    if (tenant.webmail) {
      near.emplace_back(tenant.webmail->ascii);
    }
    plan_with.tenant_records->dns_records_near(near, [&](const DnsRecord& r) {
      if (r.view == "external" && in_tenant_zone(r)) {
        rb.tenant_records.push_back(r);
      }
    });
  }
  for (std::size_t i = at; i < plan_with.dns_records.size(); ++i) {
    provider_record(plan_with.dns_records[i]);
  }

  // (b) Host headers on the redirect sites, on every client-access server that runs them.
  std::vector<std::pair<std::string, std::string>> servers; // name, secondary IP
  for (const auto& site : with.sites) {
    if (!site.internet_facing) {
      continue;
    }
    for (const auto& s : site.servers) {
      if (s.has_role("client-access")) {
        servers.emplace_back(s.name, s.secondary_ip.empty() ? std::string("*") : s.secondary_ip);
      }
    }
  }
  if (servers.empty()) {
    servers.emplace_back("", "*");
  }
  std::vector<std::pair<std::string_view, std::string>> hosts; // site, host header
  if (hosting.autodiscover == AutodiscoverMethod::redirect) {
    for (const auto& d : tenant.domains) {
      hosts.emplace_back(k_autodiscover_site, "autodiscover." + d.ascii);
    }
  }
  if (tenant.webmail) {
    hosts.emplace_back(k_webmail_site, tenant.webmail->ascii);
  }
  const char* binding_template =
      action == TenantAction::add ? "add-redirect-bindings.ps1" : "remove-redirect-bindings.ps1";
  for (const auto& [server, ip] : servers) {
    for (const auto& [site, host] : hosts) {
      RedirectBinding b{std::string(site), server, ip, 80, host, ""};
      b.command = render(binding_template,
                         {{"site", b.site}, {"ip", b.ip}, {"port", std::to_string(b.port)}, {"host", b.host}});
      rb.bindings.push_back(std::move(b));
    }
  }

  // (c) Certificates, compared before and after the edit.
  rb.certificates = action == TenantAction::add ? certificate_changes(plan_without, plan_with)
                                                : certificate_changes(plan_with, plan_without);

  // (d) Exchange.
  const std::string& name = tenant.name;
  const bool hosting_mode = rb.exchange == ExchangeVersion::v2010;
  if (action == TenantAction::add) {
    if (hosting_mode) {
      rb.exchange_notes = {
          "Exchange 2010 SP1 or later installed with /hosting (seed 000): the tenant is an organization of its own.",
          "New-Organization asks for the tenant administrator's password; ProgramID and OfferID are seed 000's "
          "sample service plan (see ServicePlanHostingRemap.csv on the Client Access servers)."};
      rb.exchange_commands.push_back(
          render("new-organization.ps1", {{"name", name}, {"domain", tenant.domains.front().ascii}}));
      for (std::size_t i = 1; i < tenant.domains.size(); ++i) {
        rb.exchange_commands.push_back(render("accepted-domain-in-organization.ps1",
                                              {{"domain", tenant.domains[i].ascii}, {"organization", name}}));
      }
    } else {
      rb.exchange_notes = {
          fmt::format("{} has no hosting mode (/hosting exists only for Exchange 2010 SP1 and later service packs): "
                      "the tenant's domains become accepted domains of the provider's organization.",
                      version_label(rb.exchange)),
          rb.exchange == ExchangeVersion::v2007
              ? "Keep tenants apart with address list segregation and an OU per tenant (seed 001)."
              : "Keep tenants apart with an address book policy per tenant (New-GlobalAddressList, New-AddressList, "
                "New-OfflineAddressBook, New-AddressBookPolicy) and an email address policy for its domains."};
      for (const auto& d : tenant.domains) {
        rb.exchange_commands.push_back(
            render("accepted-domain.ps1", {{"domain", d.ascii}}));
      }
    }
  } else if (hosting_mode) {
    rb.exchange_notes = {"Removes the tenant organization with its accepted domains; move or remove its mailboxes first."};
    rb.exchange_commands.push_back(render("remove-organization.ps1", {{"name", name}}));
  } else {
    rb.exchange_notes = {"Remove the tenant's mailboxes, address book policy and email address policy first."};
    for (const auto& d : tenant.domains) {
      rb.exchange_commands.push_back(render("remove-accepted-domain.ps1", {{"domain", d.ascii}}));
    }
  }
  return rb;
}

std::string_view to_string(TenantAction a) {
  return a == TenantAction::add ? "add" : "remove";
}

} // namespace certplan
