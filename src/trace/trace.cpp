// The lookup order is Outlook's (seed 002; white paper "Autodiscover"; [KB3211279]):
// Microsoft 365 first (Outlook 2016 and later, R2), SCP (domain-joined), https://DOMAIN/autodiscover/autodiscover.xml,
// https://autodiscover.DOMAIN/..., http://autodiscover.DOMAIN/... (302, prompt), SRV
// _autodiscover._tcp.DOMAIN. A client profile switches steps off; nothing here is specific
// to one client. TLS is checked against the host in the URL, never the CNAME target
// (RFC 9525 §6.1.1), with the matcher of R17 under the client's policy.
#include "plan/plan_internal.hpp"
#include "audit/serving.hpp"

#include <certplan/audit.hpp>

#include <certplan/match.hpp>
#include <certplan/trace.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace certplan {
namespace {

std::string domain_of(std::string_view email) {
  const auto at = email.rfind('@');
  std::string why;
  const auto h = normalize_host(at == std::string_view::npos ? email : email.substr(at + 1), why);
  if (at == std::string_view::npos || at == 0 || !h) {
    throw Error(ErrorKind::usage, fmt::format("\"{}\" is not an e-mail address (USER@DOMAIN){}", email,
                                              h ? "" : ": " + why));
  }
  return h->ascii;
}

constexpr const char* k_path = "/autodiscover/autodiscover.xml";

// Outlook 2016 and later ask Microsoft 365 for the address before any on-premises lookup
// (R2; KB3211279, "ExplicitO365Endpoint"). The profiles have no field for it yet, so this
// keys on the profile citing that step in its autodiscover source (only outlook-2016 does);
// a profile flag `[autodiscover] microsoft365_first` would be the better home.
bool checks_microsoft365_first(const ClientProfile& client) {
  const auto it = client.sources.find("autodiscover");
  return it != client.sources.end() && it->second.find("ExplicitO365Endpoint") != std::string::npos;
}

// Every SMTP domain the topology serves: the forests' accepted domains, the hosting
// provider's and its tenants' (R2 is per accepted domain).
std::vector<std::string> topology_domains(const Topology& topo) {
  std::vector<std::string> out;
  const auto add = [&](const HostName& h) {
    if (std::find(out.begin(), out.end(), h.ascii) == out.end()) {
      out.push_back(h.ascii);
    }
  };
  for (const auto& f : topo.forests) {
    std::for_each(f.smtp_domains.begin(), f.smtp_domains.end(), add);
  }
  if (topo.hosting) {
    add(topo.hosting->provider_domain);
  }
  for (const auto& t : topo.tenants) {
    std::for_each(t.domains.begin(), t.domains.end(), add);
  }
  return out;
}

struct Listener {
  std::string site;
  bool secondary = false; // the redirect web sites: port 80 only
};

class Tracer {
public:
  Tracer(const Topology& topo, const Plan& plan, const ClientProfile& client, bool domain_joined)
      : m_topo(topo), m_plan(plan), m_client(client), m_internal(domain_joined),
        m_issued(as_issued(topo, plan, 0)), m_serving(topo, m_issued) {
    for (const auto& site : topo.sites) {
      const auto a = addresses(topo, site.name);
      for (const auto& ip : a.primary) {
        m_listeners.emplace(ip, Listener{site.name, false});
      }
      for (const auto& ip : a.secondary) {
        m_listeners.emplace(ip, Listener{site.name, true});
      }
    }
    // R12: a certificate bound on its own IP listens on 443 at the address DNS gives its
    // names (the second IP unless the redirect web site holds it).
    for (const auto& c : plan.certificates) {
      if (!c.needs_own_ip || c.sites.empty()) {
        continue;
      }
      for (const auto& r : plan.dns_records) {
        if ((r.type == "A" || r.type == "AAAA") && std::find(c.sans.begin(), c.sans.end(), r.name) != c.sans.end()) {
          const auto it = m_listeners.find(r.value);
          m_listeners.insert_or_assign(r.value, Listener{it == m_listeners.end() ? c.sites.front() : it->second.site,
                                                         false});
        }
      }
    }
  }

  Trace run(std::string_view email);

private:
  // Writes the summary line; the trace is returned by value from run().
  Trace finish(Trace t) const;
  // Follows CNAMEs to addresses in the planned records; describes the chain in `how`.
  std::vector<std::string> resolve(const std::string& name, std::string& how) const;
  const DnsRecord* find(const std::string& name, std::string_view type) const;
  // Tries https://host/...; true when the client gets its settings there.
  bool try_https(Trace& t, const std::string& method, const std::string& host, const std::string& via);

  const Topology& m_topo;
  const Plan& m_plan;
  const ClientProfile& m_client;
  bool m_internal;
  // What the client meets over TLS: the planned (or installed) certificates as issued, through
  // the serving model and the rules registry, as plan and audit judge them.
  std::vector<AuditCertificate> m_issued;
  Serving m_serving;
  std::map<std::string, Listener> m_listeners;
};

const DnsRecord* Tracer::find(const std::string& name, std::string_view type) const {
  // Domain-joined clients see the internal (split-DNS) view first.
  for (const char* view : {"internal", "external"}) {
    if (!m_internal && std::string_view(view) == "internal") {
      continue;
    }
    for (const auto& r : m_plan.dns_records) {
      if (r.name == name && r.type == type && r.view == view) {
        return &r;
      }
    }
  }
  return nullptr;
}

std::vector<std::string> Tracer::resolve(const std::string& start, std::string& how) const {
  std::string name = start;
  how = name;
  for (int hops = 0; hops < 8; ++hops) {
    if (const auto* c = find(name, "CNAME")) {
      name = c->value.substr(0, c->value.size() - 1);
      how += " CNAME " + name;
      continue;
    }
    std::vector<std::string> ips;
    for (const char* view : {"internal", "external"}) {
      if ((!m_internal && std::string_view(view) == "internal") || !ips.empty()) {
        continue;
      }
      for (const auto& r : m_plan.dns_records) {
        if (r.name == name && (r.type == "A" || r.type == "AAAA") && r.view == view) {
          ips.push_back(r.value);
        }
      }
    }
    how += ips.empty() ? ": no address in the plan (NXDOMAIN)" : fmt::format(" A {}", fmt::join(ips, ", "));
    return ips;
  }
  how += ": CNAME loop";
  return {};
}

bool Tracer::try_https(Trace& t, const std::string& method, const std::string& host, const std::string& via) {
  TraceStep s;
  s.method = method;
  s.url = "https://" + host + k_path;
  const auto ips = resolve(host, s.dns);
  if (!via.empty()) {
    s.dns = via + "; " + s.dns;
  }
  const auto listener = ips.empty() ? m_listeners.end() : m_listeners.find(ips.front());
  if (ips.empty()) {
    s.outcome = "fail";
    s.detail = "the name does not resolve in the plan";
  } else if (listener == m_listeners.end()) {
    s.outcome = "fail";
    s.detail = fmt::format("{} is not an address of this deployment", ips.front());
  } else if (listener->second.secondary) {
    s.outcome = "fail";
    s.detail = "connection refused: the redirect web site listens on port 80 only";
  } else {
    const MeetContext ctx{m_topo, m_issued, m_serving, 0, ""};
    const Met met = meet(ctx, host, "iis", listener->second.site, false, m_client);
    const rules::Verdict* failure = nullptr;
    const rules::Verdict* name_failure = nullptr;
    std::vector<std::string> warnings;
    for (const auto& v : met.verdicts) {
      // SCP: domain-joined Outlook accepts a self-signed certificate there (R15).
      if (method == "scp" && rules::waived_at_scp(v, m_client)) {
        continue;
      }
      const rules::Verdict*& first = rules::about_names(v) ? name_failure : failure;
      if (v.severity == Severity::failure) {
        first = first == nullptr ? &v : first;
      } else if (v.severity == Severity::warning) {
        warnings.push_back(fmt::format("{} {}", v.rule, v.message));
      }
    }
    if (met.certificate == Serving::npos) {
      s.outcome = "fail";
      s.detail = "no certificate is bound on port 443 there";
    } else if (const auto& c = m_plan.certificates[met.certificate];
               (s.certificate = fmt::format("{} (CN={})", c.id, c.cn)), failure != nullptr) {
      s.outcome = "fail";
      s.detail = fmt::format("{} {}", failure->rule, failure->message);
    } else if (name_failure != nullptr) {
      s.outcome = "warning";
      s.detail = fmt::format("certificate name mismatch: {} does not cover {} for this client, so the user sees a "
                             "security warning (certplan assumes it is declined and the lookup goes on): {} {}",
                             c.id, host, name_failure->rule, name_failure->message);
      t.warned = true;
    } else {
      s.outcome = warnings.empty() ? "ok" : "warning";
      s.detail = fmt::format("certificate {} covers {}; the client gets its settings", c.id, host);
      if (!warnings.empty()) {
        s.detail += fmt::format(" ({})", fmt::join(warnings, "; "));
        t.warned = true;
      }
      t.steps.push_back(std::move(s));
      t.landed = true;
      t.landed_url = "https://" + host + k_path;
      return true;
    }
  }
  t.steps.push_back(std::move(s));
  return false;
}

Trace Tracer::run(std::string_view email) {
  Trace t;
  t.client = m_client.id;
  t.client_name = m_client.name;
  t.email = std::string(email);
  t.domain = domain_of(email);
  const std::string& d = t.domain;
  // A domain the topology does not serve has no records or certificates to walk: every step
  // would fail for a reason that is not the deployment's.
  if (const auto known = topology_domains(m_topo); std::find(known.begin(), known.end(), d) == known.end()) {
    throw Error(ErrorKind::usage,
                fmt::format("{} is not a domain of this topology (its domains: {})", d, fmt::join(known, ", ")),
                SourcePos{m_topo.path, 0, 0});
  }
  const auto& ad = m_client.autodiscover;
  const auto skip = [&](const char* method, std::string url, std::string why) {
    t.steps.push_back({method, std::move(url), "", "", "skip", std::move(why)});
  };
  if (!m_client.uses_service(Service::autodiscover)) {
    // Not applicable (R2): the user types the URL (OWA) or the server by hand.
    t.applicable = false;
    t.summary = "not applicable: this client does not use autodiscover; the user enters the server by hand";
    t.steps.push_back({"none", "", "", "", "skip", "this client has no autodiscover"});
    return t;
  }

  // 0. Microsoft 365 (Outlook 2016+): certplan plans an on-premises deployment and assumes
  // the domain has no Microsoft 365 mailbox, so Microsoft 365 answers nothing and Outlook
  // goes on. If it has one (hybrid, a trial tenant), Outlook lands there instead.
  if (checks_microsoft365_first(m_client)) {
    t.steps.push_back({"microsoft365",
                       "https://outlook.office365.com/autodiscover/autodiscover.json/v1.0/" + t.email +
                           "?Protocol=Autodiscoverv1",
                       "", "", "fail",
                       fmt::format("assumed: {} has no Microsoft 365 mailbox, so the lookup goes on; if it has one, "
                                   "Outlook is sent there: set ExcludeExplicitO365Endpoint=1 on the clients "
                                   "(KB3211279)",
                                   d)});
  }

  // 1. SCP: domain-joined clients ask AD for AutodiscoverServiceInternalUri.
  const Forest* forest = nullptr;
  for (const auto& f : m_topo.forests) {
    if (std::any_of(f.smtp_domains.begin(), f.smtp_domains.end(), [&](const HostName& h) { return h.ascii == d; })) {
      forest = &f;
    }
  }
  if (ad.scp == Tri::yes && m_internal && forest != nullptr) {
    const Site* s = autodiscover_site(m_topo, forest->name);
    if (s != nullptr && try_https(t, "scp", s->ns->ascii, "SCP AutodiscoverServiceInternalUri")) {
      return finish(std::move(t));
    }
  } else if (ad.scp == Tri::yes) {
    skip("scp", "ldap://<AD>", m_internal ? "the domain is not an accepted domain of this forest's AD"
                                            : "not domain-joined (use --domain-joined for a client on the network)");
  }

  // 2-3. The two HTTPS URLs.
  if (ad.https_root != Tri::no && try_https(t, "https-root", d, "")) {
    return finish(std::move(t));
  }
  if (ad.https_autodiscover != Tri::no && try_https(t, "https-autodiscover", "autodiscover." + d, "")) {
    return finish(std::move(t));
  }

  // 4. HTTP GET for a 302 (seed 002): only the redirect web site answers with one.
  if (ad.http_redirect == Follow::no) {
    skip("http-redirect", "http://autodiscover." + d + k_path, "this client does not try the HTTP redirect");
  } else {
    TraceStep s{"http-redirect", "http://autodiscover." + d + k_path, "", "", "fail", ""};
    const auto ips = resolve("autodiscover." + d, s.dns);
    const auto l = ips.empty() ? m_listeners.end() : m_listeners.find(ips.front());
    if (l == m_listeners.end() || !l->second.secondary) {
      s.detail = ips.empty() ? "the name does not resolve in the plan"
                             : "no redirect there: the Exchange web site does not answer autodiscover on port 80";
      t.steps.push_back(std::move(s));
    } else {
      const std::string target = m_topo.hosting ? "autodiscover." + m_topo.hosting->provider_domain.ascii
                                                : primary_site(m_topo).ns->ascii;
      if (ad.http_redirect == Follow::unknown) {
        s.outcome = "fail";
        s.detail = fmt::format("302 to https://{}{}; UNVERIFIED whether this client follows it, so certplan assumes "
                               "it does not",
                               target, k_path);
        t.steps.push_back(std::move(s));
      } else {
        s.outcome = ad.http_redirect == Follow::prompt ? "prompt" : "ok";
        s.detail = fmt::format("302 to https://{}{}{}", target, k_path,
                               ad.http_redirect == Follow::prompt
                                   ? "; the client asks \"Allow this website to configure " + t.email +
                                         " server settings?\" (once, if the user ticks \"don't ask again\")"
                                   : "");
        t.prompted = ad.http_redirect == Follow::prompt;
        t.steps.push_back(std::move(s));
        if (try_https(t, "redirect-target", target, "")) {
          return finish(std::move(t));
        }
      }
    }
  }

  // 5. SRV: the target host is what the certificate must cover.
  if (ad.srv == Follow::no) {
    skip("srv", "_autodiscover._tcp." + d, "this client does not look up SRV records");
  } else {
    TraceStep s{"srv", "_autodiscover._tcp." + d, "", "", "fail", ""};
    const auto* r = find("_autodiscover._tcp." + d, "SRV");
    if (r == nullptr) {
      s.dns = s.url + ": no SRV record in the plan";
      s.detail = "no SRV record";
      t.steps.push_back(std::move(s));
    } else {
      const std::string target = r->value.substr(r->value.rfind(' ') + 1, r->value.size() - r->value.rfind(' ') - 2);
      s.dns = fmt::format("{} SRV {}", s.url, r->value);
      if (ad.srv == Follow::unknown) {
        s.detail = "UNVERIFIED whether this client uses SRV records, so certplan assumes it does not";
        t.steps.push_back(std::move(s));
      } else {
        s.outcome = ad.srv == Follow::prompt ? "prompt" : "ok";
        s.detail = fmt::format("points to {}{}", target,
                               ad.srv == Follow::prompt ? "; the client warns about the redirection and asks once" : "");
        t.prompted = t.prompted || ad.srv == Follow::prompt;
        t.steps.push_back(std::move(s));
        if (try_https(t, "srv-target", target, "")) {
          return finish(std::move(t));
        }
      }
    }
  }
  return finish(std::move(t));
}

Trace Tracer::finish(Trace t) const {
  if (t.landed) {
    t.summary = fmt::format("lands at {}{}", t.landed_url,
                            t.prompted && t.warned ? " after a redirect prompt and a certificate warning"
                            : t.prompted           ? " after a one-time prompt to allow the redirection"
                            : t.warned             ? " after a certificate warning"
                                                   : ", silently");
  } else {
    t.summary = fmt::format("no settings found: the user enters the server ({}) by hand",
                            primary_site(m_topo).ns->display);
  }
  return t;
}

} // namespace

Severity Trace::severity() const {
  if (!applicable) {
    return Severity::info;
  }
  if (!landed) {
    return Severity::failure;
  }
  return prompted || warned ? Severity::warning : Severity::info;
}

std::string_view Trace::status() const {
  if (!applicable) {
    return "n/a";
  }
  // The words of render's status_word, which trace does not depend on.
  switch (severity()) {
  case Severity::info: return "ok";
  case Severity::warning: return "warning";
  case Severity::failure: return "fail";
  }
  return "fail";
}

Trace trace_autodiscover(const Topology& topo, const Plan& plan, const ClientProfile& client, std::string_view email,
                         bool domain_joined) {
  return Tracer(topo, plan, client, domain_joined).run(email);
}

} // namespace certplan
