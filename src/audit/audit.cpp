// Endpoint x client verdicts (R6, R10-R17). Certificates are found through an index of
// their names (exact names and wildcard parents), so auditing stays linear in endpoints.
#include <certplan/audit.hpp>
#include <certplan/match.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

namespace certplan {
namespace {

// 2020-09-01, 2026-03-15, 2027-03-15, 2029-03-15 at 00:00:00 UTC (calendar.timegm).
constexpr long long k_2020_09_01 = 1598918400;
constexpr long long k_2026_03_15 = 1773532800;
constexpr long long k_2027_03_15 = 1805068800;
constexpr long long k_2029_03_15 = 1868227200;

std::string_view service_of(Service s) {
  switch (s) {
  case Service::pop3: return "pop";
  case Service::imap4: return "imap";
  case Service::smtp: return "smtp";
  case Service::um: return "um";
  default: return "iis";
  }
}

// Whether `c` reaches this endpoint's `service`: for IIS, through one of the HTTP services
// the name publishes (Windows Mobile 5 uses ActiveSync on mail.*, not autodiscover.*).
bool client_uses(const ClientProfile& c, const Namespace& ns, std::string_view service) {
  if (service == "iis") {
    return std::any_of(ns.services.begin(), ns.services.end(),
                       [&](Service s) { return is_http_service(s) && c.uses_service(s); });
  }
  return c.uses_service(service == "pop" ? Service::pop3 : service == "imap" ? Service::imap4 : Service::smtp);
}

class Index {
public:
  Index(const Topology& topo, const std::vector<AuditCertificate>& certs) : m_certs(certs) {
    for (const auto& s : topo.sites) {
      if (s.internet_facing) {
        m_facing.push_back(s.name);
      }
    }
    for (std::size_t i = 0; i < certs.size(); ++i) {
      for (const auto& n : certs[i].leaf.dns_sans) {
        (n.starts_with("*.") ? m_wild[n.substr(2)] : m_exact[n]).push_back(i);
      }
      if (certs[i].leaf.dns_sans.empty() && !certs[i].leaf.subject_cn.empty()) {
        m_exact[certs[i].leaf.subject_cn].push_back(i);
      }
    }
  }

  bool binds(std::size_t i, std::string_view service, const std::string& site) const {
    const auto& c = m_certs[i];
    const auto& sites = c.sites.empty() ? m_facing : c.sites;
    return std::find(c.services.begin(), c.services.end(), service) != c.services.end() &&
           std::find(sites.begin(), sites.end(), site) != sites.end();
  }

  // Certificates bound to `service` at `site`, in the order given.
  const std::vector<std::size_t>& bound(std::string_view service, const std::string& site) const {
    const std::string key = std::string(service) + "|" + site;
    auto it = m_bound.find(key);
    if (it == m_bound.end()) {
      std::vector<std::size_t> v;
      for (std::size_t i = 0; i < m_certs.size(); ++i) {
        if (binds(i, service, site)) {
          v.push_back(i);
        }
      }
      it = m_bound.emplace(key, std::move(v)).first;
    }
    return it->second;
  }

  // The certificate a client meets for `host`: with SNI the server picks one naming the host;
  // without, the binding's first. Returns the index or npos.
  std::size_t pick(const std::string& host, std::string_view service, const std::string& site, bool sni) const {
    const auto& b = bound(service, site);
    if (b.empty()) {
      return npos;
    }
    if (!sni) {
      return b.front();
    }
    for (const auto* list : {find(m_exact, host), find(m_wild, parent_of(host))}) {
      if (list != nullptr) {
        for (const auto i : *list) {
          if (binds(i, service, site)) {
            return i;
          }
        }
      }
    }
    return b.front();
  }

  // Whether certificate `i` names `host` exactly in its SANs (every client accepts that).
  bool names_exactly(std::size_t i, const std::string& host) const {
    const auto* list = find(m_exact, host);
    return list != nullptr && !m_certs[i].leaf.dns_sans.empty() && std::find(list->begin(), list->end(), i) != list->end();
  }

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

private:
  static std::string parent_of(const std::string& host) {
    const auto dot = host.find('.');
    return dot == std::string::npos ? "" : host.substr(dot + 1);
  }
  static const std::vector<std::size_t>* find(const std::unordered_map<std::string, std::vector<std::size_t>>& m,
                                              const std::string& k) {
    const auto it = m.find(k);
    return it == m.end() ? nullptr : &it->second;
  }

  const std::vector<AuditCertificate>& m_certs;
  std::vector<std::string> m_facing;
  std::unordered_map<std::string, std::vector<std::size_t>> m_exact, m_wild;
  mutable std::unordered_map<std::string, std::vector<std::size_t>> m_bound;
};

class Judge {
public:
  Judge(AuditResult& r) : m_r(r) {}
  void add(Severity s, const std::string& rule, const std::string& why) {
    m_r.status = std::max(m_r.status, s);
    m_r.reasons.push_back(fmt::format("{} {}: {}", rule, to_string(s), why));
  }

private:
  AuditResult& m_r;
};

void judge_certificate(const AuditCertificate& c, const ClientProfile& client, const Namespace& ns,
                       std::string_view service, long long at, bool named_exactly, Judge& j) {
  const auto& leaf = c.leaf;
  const std::string& host = ns.fqdn.ascii;
  // Names (R17, R14, R13). An exact SAN satisfies every profile but CN-only ones; only the
  // rest needs the matcher (which scans every name).
  const bool exact = named_exactly && client.name_source != NameSource::cn_only;
  const PresentedNames names = exact ? PresentedNames{} : PresentedNames{leaf.dns_sans, leaf.ip_sans, leaf.subject_cn};
  if (!exact && !covers(names, host, policy_for(client))) {
    if (client.wildcard == WildcardSupport::none && covers(names, host, strict_policy())) {
      j.add(Severity::failure, "R14", fmt::format("{} rejects wildcard certificates; {} is covered only by a wildcard", client.id, host));
    } else if (client.name_source == NameSource::cn_only) {
      j.add(Severity::failure, "R13", fmt::format("{} reads only the CN ({}), which is not {}", client.id, leaf.subject_cn, host));
    } else {
      j.add(Severity::failure, "R17", fmt::format("the certificate does not cover {} (SANs: {})", host,
                                                  leaf.dns_sans.empty() ? std::string("none") : fmt::format("{}", fmt::join(leaf.dns_sans, ", "))));
    }
  }
  // The CA's name constraints, checked against the name connected to: a wildcard SAN can
  // satisfy them while covering a host they exclude (CVE-2025-61727's pattern).
  if (c.chain.trusted && !within_name_constraints(host, c.chain.permitted_dns, c.chain.excluded_dns)) {
    j.add(Severity::failure, "R17", fmt::format("a CA on the chain does not permit {} (name constraints, RFC 5280 4.2.1.10)", host));
  }
  // Validity at --at (R11).
  if (at < leaf.not_before_unix) {
    j.add(Severity::failure, "R11", fmt::format("not valid before {}", leaf.not_before));
  } else if (at > leaf.not_after_unix) {
    j.add(Severity::failure, "R11", fmt::format("expired on {}", leaf.not_after));
  }
  // Trust (R15, R13).
  const bool oa_or_eas = client.uses_service(Service::outlook_anywhere) || client.uses_service(Service::mapi) ||
                         client.uses_service(Service::activesync);
  if (leaf.self_signed) {
    if (client.self_signed == SelfSigned::no || (client.self_signed == SelfSigned::scp_only && oa_or_eas)) {
      j.add(Severity::failure, "R15", fmt::format("{} does not accept a self-signed certificate here", client.id));
    } else {
      j.add(Severity::warning, "R15", "self-signed: users see a certificate warning");
    }
  } else if (!c.chain.trusted) {
    if (client.private_ca == PrivateCa::no) {
      j.add(Severity::failure, "R13", fmt::format("chain not trusted ({}) and {} cannot add a private root", c.chain.status, client.id));
    } else if (client.private_ca == PrivateCa::install) {
      j.add(Severity::warning, "R13", fmt::format("chain not trusted by the store given ({}): works only where the issuing root is installed", c.chain.status));
    }
  }
  // Keys and signatures (R10).
  if (leaf.key_type.starts_with("rsa:") && (leaf.key_bits < 2048 || leaf.key_bits % 8 != 0)) {
    j.add(Severity::failure, "R10", fmt::format("RSA key of {} bits (at least 2048, a multiple of 8)", leaf.key_bits));
  }
  if (leaf.key_type.starts_with("ecdsa:") && leaf.key_type != "ecdsa:p256" && leaf.key_type != "ecdsa:p384" && leaf.key_type != "ecdsa:p521") {
    j.add(Severity::failure, "R10", fmt::format("ECDSA curve {} (P-256, P-384 or P-521 only)", leaf.key_type.substr(6)));
  }
  if (leaf.signature_hash == "SHA-1" || leaf.signature_hash == "MD5") {
    j.add(Severity::failure, "R10", fmt::format("signed with {} (SHA-256 or stronger required)", leaf.signature_hash));
  } else if (client.sha256 != Tri::yes) {
    j.add(client.sha256 == Tri::no ? Severity::failure : Severity::warning, "R10",
          fmt::format("{} support for {} signatures is {}", client.id, leaf.signature_hash, client.sha256 == Tri::no ? "missing" : "UNVERIFIED"));
  }
  if (leaf.key_type.starts_with("ecdsa:") && client.ecdsa != Tri::yes) {
    j.add(client.ecdsa == Tri::no ? Severity::failure : Severity::warning, "R10",
          fmt::format("{} ECDSA support is {}", client.id, client.ecdsa == Tri::no ? "missing" : "UNVERIFIED"));
  }
  // Public-CA rules (R6, R7, R11) for certificates that chain to the trust store.
  if (c.chain.trusted && !leaf.self_signed) {
    for (const auto& n : leaf.dns_sans) {
      if (is_internal_name(n.starts_with("*.") ? n.substr(2) : n)) {
        j.add(Severity::failure, "R6", fmt::format("internal name {} on a publicly trusted certificate", n));
      }
    }
    if (!leaf.subject_cn.empty() && std::find(leaf.dns_sans.begin(), leaf.dns_sans.end(), leaf.subject_cn) == leaf.dns_sans.end()) {
      j.add(Severity::warning, "R7", fmt::format("CN {} is not among the SANs (CA/B BR 7.1.4.3)", leaf.subject_cn));
    }
    const int limit = max_public_validity_days(leaf.not_before_unix);
    const long long days = (leaf.not_after_unix - leaf.not_before_unix + 1 + 86399) / 86400;
    if (limit > 0 && days > limit) {
      j.add(Severity::failure, "R11", fmt::format("valid {} days, more than the {} allowed when it was issued", days, limit));
    }
    if (!leaf.server_auth) {
      j.add(Severity::failure, "R11", "no serverAuth extended key usage (required by the CA/B BRs and by Apple clients)");
    }
  }
  // Outlook Anywhere on Windows XP matches msstd:<host> against the CN only (R16).
  const bool oa = std::find(ns.services.begin(), ns.services.end(), Service::outlook_anywhere) != ns.services.end();
  if (service == "iis" && oa && client.oa_principal == OaPrincipal::cn && client.uses_service(Service::outlook_anywhere) &&
      !dns_id_matches(leaf.subject_cn, host, client.wildcard)) {
    j.add(Severity::failure, "R16", fmt::format("{} checks msstd:{} against the CN ({}); set Set-OutlookProvider EXPR -CertPrincipalName msstd:{}",
                                                client.id, host, leaf.subject_cn, leaf.subject_cn));
  }
  if (c.key_matches && !*c.key_matches) {
    j.add(Severity::failure, "key", "the private key given with --key does not belong to this certificate");
  }
}

} // namespace

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

int max_public_validity_days(long long nb) {
  if (nb >= k_2029_03_15) {
    return 47;
  }
  if (nb >= k_2027_03_15) {
    return 100;
  }
  if (nb >= k_2026_03_15) {
    return 200;
  }
  if (nb >= k_2020_09_01) {
    return 398;
  }
  return 0;
}

Audit audit_endpoints(const Topology& topo, const Plan& plan, const ClientCatalog& catalog,
                      const std::vector<AuditCertificate>& certificates, long long at_unix) {
  Audit a;
  const Index index(topo, certificates);
  std::vector<const ClientProfile*> clients;
  for (const auto& ref : topo.clients) {
    clients.push_back(catalog.find(ref.id));
  }
  for (const auto& ns : plan.namespaces) {
    if (!ns.on_certificate) {
      continue;
    }
    std::set<std::string_view> services;
    for (const auto s : ns.services) {
      services.insert(service_of(s));
    }
    services.erase("um");
    for (const auto service : services) {
      for (const auto* client : clients) {
        if (!client_uses(*client, ns, service)) {
          continue;
        }
        AuditResult r{ns.fqdn.ascii, std::string(service), client->id, Severity::info, "", {}};
        Judge j(r);
        const std::size_t i = index.pick(ns.fqdn.ascii, service, ns.site, client->sni == Tri::yes);
        if (i == Index::npos) {
          j.add(Severity::failure, service == "iis" ? "R1" : "R5",
                fmt::format("no certificate is bound to {} at site {}", service, ns.site));
        } else {
          r.certificate = certificates[i].leaf.sha256_fingerprint;
          judge_certificate(certificates[i], *client, ns, service, at_unix, index.names_exactly(i, ns.fqdn.ascii), j);
        }
        a.results.push_back(std::move(r));
      }
    }
  }
  // R12: more than one certificate on one site's IIS while a client may lack SNI.
  std::vector<std::string> no_sni;
  for (const auto* c : clients) {
    if (c->sni != Tri::yes && c->uses_https()) {
      no_sni.push_back(c->id);
    }
  }
  for (const auto& site : topo.sites) {
    if (!site.internet_facing) {
      continue;
    }
    const auto& b = index.bound("iis", site.name);
    if (b.size() > 1 && !no_sni.empty()) {
      a.findings.push_back({"R12", Severity::warning,
                            fmt::format("site {} binds {} certificates to IIS and {} may send no SNI: each needs its own IP "
                                        "address, or those clients meet {} everywhere",
                                        site.name, b.size(), fmt::join(no_sni, ", "), certificates[b.front()].source),
                            ""});
    }
  }
  return a;
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

} // namespace certplan
