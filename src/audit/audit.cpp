// Endpoint x client verdicts. Which certificate a client meets comes from the serving model
// (serving.cpp, R12); what is said of it comes from the rules registry (src/rules/), so the
// plan, which audits its own certificates as if issued (as_issued), gives the same answers.
#include <certplan/audit.hpp>
#include <certplan/cert_service.hpp>
#include <certplan/match.hpp>

#include "audit/serving.hpp"
#include "rules/rule.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace certplan {
namespace {

std::string_view service_of(Service s) { return to_string(cert_service_of(s)); }

// Whether `c` reaches this endpoint's `service`: for IIS, through one of the HTTP services
// the name publishes (Windows Mobile 5 uses ActiveSync on mail.*, not autodiscover.*).
bool client_uses(const ClientProfile& c, const Namespace& ns, std::string_view service) {
  if (service == "iis") {
    return std::any_of(ns.services.begin(), ns.services.end(),
                       [&](Service s) { return is_http_service(s) && c.uses_service(s); });
  }
  return c.uses_service(service == "pop" ? Service::pop3 : service == "imap" ? Service::imap4 : Service::smtp);
}

} // namespace

// R16: the principal the plan has the admin set on the forest's EXPR provider: msstd:<CN> of the
// forest's first IIS certificate carrying Outlook Anywhere names, when some Outlook Anywhere
// host of the forest is not that CN ("" when the default msstd:<host> matches everywhere).
std::string planned_principal(const Plan& plan, const std::string& forest) {
  for (const auto& c : plan.certificates) {
    if (c.principal_name.empty() || (!c.forest.empty() && c.forest != forest)) {
      continue;
    }
    for (const auto& ns : plan.namespaces) {
      const bool oa = std::find(ns.services.begin(), ns.services.end(), Service::outlook_anywhere) != ns.services.end();
      if (oa && ns.on_certificate && (ns.forest == forest || forest.empty()) && ns.fqdn.ascii != c.cn) {
        return c.principal_name;
      }
    }
    return "";
  }
  return "";
}

Met meet(const MeetContext& ctx, const std::string& host, std::string_view service, const std::string& site, bool oa,
         const ClientProfile& client) {
  Met out;
  const auto& topo = ctx.topo;
  const auto& certificates = ctx.certificates;
  const auto add = [&](rules::Verdict v) {
    out.status = std::max(out.status, v.severity);
    out.verdicts.push_back(std::move(v));
  };
  const auto judge = [&](std::size_t i) {
    rules::Meeting m{.host = host,
                     .service = service,
                     .outlook_anywhere = oa,
                     .client = client,
                     .certificate = certificates[i],
                     .authority = topo.certificates.authority,
                     .exchange = topo.organization.exchange,
                     .at = ctx.at,
                     .named_exactly = ctx.serving.names_exactly(i, host),
                     .principal = ctx.principal};
    return rules::judge_meeting(m, ctx.memo, i);
  };
  // R12: the certificate met with SNI and without; which one applies depends on the client
  // and the server, and an unverified side is judged both ways.
  const std::size_t with_sni = ctx.serving.pick(host, service, site, true);
  const std::size_t without = ctx.serving.pick(host, service, site, false);
  Tri sni = Tri::yes;
  if (ctx.serving.observed()) {
    // Live: what the server served each way was seen; only the client decides which it meets.
    sni = with_sni == without ? Tri::yes : client.sni;
  } else {
    const Tri server_sni = rules::server_selects_by_sni(topo.organization.exchange);
    // SMTP, POP3 and IMAP4 bind one certificate per service by name: only HTTPS selects by SNI.
    sni = service != "iis" || with_sni == without                     ? Tri::yes
          : client.sni == Tri::no || server_sni == Tri::no             ? Tri::no
          : client.sni == Tri::unknown || server_sni == Tri::unknown   ? Tri::unknown
                                                                       : Tri::yes;
  }
  out.certificate = sni == Tri::no ? without : with_sni;
  if (out.certificate == Serving::npos) {
    add(rules::nothing_served(service, ctx.serving.nothing_met(host, service, site, sni != Tri::no)));
    return out;
  }
  const auto verdicts = judge(out.certificate);
  for (const auto& v : verdicts) {
    add(v);
  }
  if (sni != Tri::yes) {
    const std::string who =
        client.sni != Tri::yes
            ? fmt::format("{} {} SNI", client.id, client.sni == Tri::no ? "sends no" : "may send no (UNVERIFIED)")
            : std::string(rules::server_sni_assumption(topo.organization.exchange));
    rules::SniFallback f;
    f.sni = sni;
    f.who = who;
    f.host = host;
    f.with_sni = &verdicts;
    rules::Verdicts other;
    std::string nothing;
    if (without == Serving::npos) {
      nothing = ctx.serving.nothing_met(host, service, site, false);
      f.nothing_met = nothing;
    } else {
      other = sni == Tri::no ? verdicts : judge(without);
      f.without = &other;
      f.without_source = certificates[without].source;
      f.what = ctx.serving.observed() ? "what the server serves without SNI"
                                      : "the certificate bound to the address, not the one naming it";
    }
    if (auto v = rules::judge_sni_fallback(f)) {
      add(std::move(*v));
    }
  }
  return out;
}

void Audit::add_trust_notes(const std::vector<std::string>& notes) {
  for (const auto& n : notes) {
    const rules::Verdict v = rules::trust_store_note(n);
    findings.push_back({std::string(v.rule), v.severity, v.message, ""});
  }
}

Severity Audit::worst() const {
  Severity w = Severity::info;
  for (const auto& r : results) {
    w = std::max(w, r.status);
  }
  for (const auto& f : findings) {
    w = std::max(w, f.severity);
  }
  return w;
}

namespace {

// Every planned endpoint x service x supported client that `wanted` keeps, judged by meet().
template <class Wanted>
Audit audit_cells(const Topology& topo, const Plan& plan, const ClientCatalog& catalog,
                  const std::vector<AuditCertificate>& certificates, const Serving& serving, long long at_unix,
                  Wanted wanted) {
  Audit a;
  std::vector<const ClientProfile*> clients;
  for (const auto& ref : topo.clients) {
    clients.push_back(catalog.find(ref.id));
  }
  std::map<std::string, std::string> principals; // forest -> R16 principal
  // One topology, one time, one certificate list: what depends on a certificate alone is
  // judged once per certificate, not at each of its endpoints.
  rules::CertificateMemo memo(certificates.size());
  for (const auto& ns : plan.namespaces) {
    if (!ns.on_certificate) {
      continue;
    }
    auto pit = principals.find(ns.forest);
    if (pit == principals.end()) {
      pit = principals.emplace(ns.forest, planned_principal(plan, ns.forest)).first;
    }
    const bool oa = std::find(ns.services.begin(), ns.services.end(), Service::outlook_anywhere) != ns.services.end();
    std::set<std::string_view> services;
    for (const auto s : ns.services) {
      services.insert(service_of(s));
    }
    services.erase("um");
    const std::string& host = ns.fqdn.ascii;
    for (const auto service : services) {
      if (!wanted(host, service)) {
        continue;
      }
      for (const auto* client : clients) {
        if (!client_uses(*client, ns, service)) {
          continue;
        }
        AuditResult r{host, std::string(service), client->id, Severity::info, "", {}, {}};
        const MeetContext ctx{topo, certificates, serving, at_unix, pit->second, &memo};
        const Met met = meet(ctx, host, service, ns.site, oa, *client);
        if (met.certificate != Serving::npos) {
          r.certificate = certificates[met.certificate].leaf.sha256_fingerprint;
        }
        r.status = met.status;
        for (const auto& v : met.verdicts) {
          r.reasons.push_back(fmt::format("{} {}: {}", v.rule, to_string(v.severity), v.message));
          r.facts.push_back({std::string(v.rule), v.severity, v.message, client->id});
        }
        a.results.push_back(std::move(r));
      }
    }
  }
  return a;
}

} // namespace

Audit audit_endpoints(const Topology& topo, const Plan& plan, const ClientCatalog& catalog,
                      const std::vector<AuditCertificate>& certificates, long long at_unix) {
  const Serving serving(topo, certificates);
  return audit_cells(topo, plan, catalog, certificates, serving, at_unix,
                     [](const std::string&, std::string_view) { return true; });
}

std::vector<LiveProbe> live_probes(const Topology& topo, const Plan& plan, const ClientCatalog& catalog) {
  std::vector<LiveProbe> out;
  std::map<std::pair<std::string, std::string>, std::size_t> seen;
  for (const auto& ns : plan.namespaces) {
    if (!ns.on_certificate) {
      continue; // http-only redirect names present no certificate
    }
    for (const auto s : ns.services) {
      if (s == Service::um) {
        continue; // SIP on 5061, not a client-access endpoint
      }
      const std::string service(service_of(s));
      auto [it, fresh] = seen.try_emplace({ns.fqdn.ascii, service}, out.size());
      if (fresh) {
        out.push_back({ns.fqdn.ascii, service, planned_port(s), false});
      }
      // R12: a supported client of this service that may send no SNI meets what the address
      // serves without it.
      for (const auto& ref : topo.clients) {
        const auto* c = catalog.find(ref.id);
        if (c != nullptr && c->sni != Tri::yes && client_uses(*c, ns, service)) {
          out[it->second].without_sni = true;
        }
      }
    }
  }
  return out;
}

Audit audit_live(const Topology& topo, const Plan& plan, const ClientCatalog& catalog,
                 const std::vector<AuditCertificate>& served, const std::vector<LiveObservation>& observed,
                 long long at_unix) {
  const Serving serving(served, observed);
  std::set<std::pair<std::string, std::string>> probed;
  for (const auto& o : observed) {
    probed.insert({o.host, o.service});
  }
  return audit_cells(topo, plan, catalog, served, serving, at_unix, [&](const std::string& host, std::string_view service) {
    return probed.count({host, std::string(service)}) != 0;
  });
}

std::vector<AuditResult> renewal_regressions(const Audit& before, const Audit& after) {
  std::map<std::tuple<std::string, std::string, std::string>, Severity> old;
  for (const auto& r : before.results) {
    old[{r.endpoint, r.service, r.client}] = r.status;
  }
  std::vector<AuditResult> out;
  for (const auto& r : after.results) {
    const auto it = old.find({r.endpoint, r.service, r.client});
    if (it != old.end() && it->second != Severity::failure && r.status == Severity::failure) {
      out.push_back(r);
    }
  }
  return out;
}

std::vector<AuditCertificate> as_issued(const Topology& topo, const Plan& plan, long long at_unix) {
  std::vector<AuditCertificate> out;
  const auto& cs = topo.certificates;
  const int days = std::max(max_public_validity_days(at_unix), 1);
  for (const auto& c : plan.certificates) {
    AuditCertificate a;
    a.source = "planned certificate " + c.id;
    auto& leaf = a.leaf;
    leaf.subject_cn = c.cn;
    leaf.dns_sans = c.sans;
    leaf.issuer = cs.authority == Authority::self_signed ? c.cn : std::string(to_string(cs.authority)) + " CA";
    leaf.not_before_unix = at_unix;
    leaf.not_after_unix = at_unix + days * 86400LL - 1;
    leaf.not_before = format_rfc3339(leaf.not_before_unix);
    leaf.not_after = format_rfc3339(leaf.not_after_unix);
    leaf.sha256_fingerprint = "planned:" + c.id;
    leaf.self_signed = cs.authority == Authority::self_signed;
    leaf.key_type = cs.key.to_string();
    leaf.key_bits = cs.key.algorithm == "rsa" ? std::stoul(cs.key.param) : 0;
    // The CA signs with its own key; BR 7.1.3.2's pairing holds for an ECDSA CA too.
    leaf.signature_hash = cs.key.param == "p384" ? "SHA-384" : cs.key.param == "p521" ? "SHA-512" : "SHA-256";
    leaf.eku_present = true;
    leaf.server_auth = true;
    a.chain.trusted = cs.authority != Authority::self_signed;
    a.chain.status = cs.authority == Authority::public_ ? "as planned: a public CA"
                                                          : "as planned: the enterprise CA's root";
    for (const auto& s : c.services) {
      a.services.push_back(util::lower_ascii(s));
    }
    a.sites = c.sites;
    a.own_address = c.needs_own_ip;
    out.push_back(std::move(a));
  }
  return out;
}

} // namespace certplan
