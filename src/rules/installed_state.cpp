// certplan's own check: a server's installed state, read from its exports (audit/expiry
// --server-export), is consistent with itself and with the plan.
#include "rules/rule.hpp"

#include <certplan/match.hpp>

#include <fmt/format.h>
#include "util/text.hpp"

#include <algorithm>

namespace certplan::rules {

extern const RuleDef installed;

namespace {

std::string binding_name(const exports::InstalledBinding& b) {
  return fmt::format("{} {} {}:{}:{}", b.site, b.protocol, b.ip, b.port, b.host);
}

bool is_loopback(const std::string& ip) { return ip == "127.0.0.1" || ip == "[::1]" || ip == "::1"; }

bool is_back_end(const std::string& site) { return site == "Exchange Back End"; }

// "https://mail.contoso.com/owa" -> "mail.contoso.com" (lower case, no port, no user info).
std::string url_host(const std::string& url) {
  auto start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  auto end = url.find_first_of("/?#", start);
  std::string host = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (const auto at = host.rfind('@'); at != std::string::npos) {
    host.erase(0, at + 1);
  }
  if (!host.starts_with('[')) {
    if (const auto colon = host.rfind(':'); colon != std::string::npos) {
      host.erase(colon);
    }
  }
  return util::lower_ascii(host);
}

std::string cn_of(const std::string& dn) {
  // "CN=mail.contoso.com, OU=..., O=..." -> "mail.contoso.com"
  const auto at = dn.find("CN=");
  if (at == std::string::npos) {
    return dn;
  }
  const auto end = dn.find(',', at);
  return dn.substr(at + 3, end == std::string::npos ? std::string::npos : end - at - 3);
}


void on_installed(const InstalledFacts& f, Verdicts& v) {
  const auto& s = f.state;
  const bool have_certificates = !s.certificates.empty();
  // Bindings: the certificate each names must be on the server (HealthChecker reports the same),
  // and valid at --at.
  std::vector<const exports::InstalledCertificate*> front_end; // served on the front end's 443
  for (const auto& b : s.bindings) {
    if (b.protocol != "https") {
      continue;
    }
    if (b.thumbprint.empty()) {
      add(v, installed, Severity::failure, fmt::format("{}: an https binding without a certificate ({})",
                                                       binding_name(b), b.where.to_string()));
      continue;
    }
    if (!have_certificates) {
      continue;
    }
    const auto* c = s.find(b.thumbprint);
    if (c == nullptr) {
      add(v, installed, Severity::failure,
          fmt::format("{}: bound to certificate {}, which is not on the server (not in Get-ExchangeCertificate; "
                      "HealthChecker reports this too)",
                      binding_name(b), b.thumbprint));
      continue;
    }
    if (f.at > c->info.not_after_unix) {
      add(v, installed, Severity::failure,
          fmt::format("{}: bound to certificate {} ({}), expired on {}", binding_name(b), c->thumbprint,
                      c->info.subject_cn, c->info.not_after));
    } else if (f.at < c->info.not_before_unix) {
      add(v, installed, Severity::failure,
          fmt::format("{}: bound to certificate {} ({}), not valid before {}", binding_name(b), c->thumbprint,
                      c->info.subject_cn, c->info.not_before));
    }
    if (!is_back_end(b.site) && b.port == 443 && !is_loopback(b.ip)) {
      front_end.push_back(c);
    }
  }
  // The front end proxies to the Exchange Back End site on 444 (Exchange 2013 and later): a
  // missing or certificate-less 444 binding breaks every proxied protocol.
  const bool back_end_site = std::any_of(s.bindings.begin(), s.bindings.end(), [](const auto& b) { return is_back_end(b.site); });
  if (back_end_site) {
    const bool ok = std::any_of(s.bindings.begin(), s.bindings.end(), [](const auto& b) {
      return is_back_end(b.site) && b.protocol == "https" && b.port == 444 && !b.thumbprint.empty();
    });
    if (!ok) {
      add(v, installed, Severity::failure,
          "the Exchange Back End site has no https binding on port 444 with a certificate: the front end cannot "
          "proxy to it");
    }
  }
  // Virtual directory URLs: a bound certificate must cover the host, and the plan should name it.
  for (const auto& d : s.vdirs) {
    for (const auto* which : {"ExternalUrl", "InternalUrl"}) {
      const std::string& url = which[0] == 'E' ? d.external_url : d.internal_url;
      if (url.empty()) {
        continue;
      }
      const std::string host = url_host(url);
      if (!front_end.empty()) {
        const bool covered = std::any_of(front_end.begin(), front_end.end(), [&](const auto* c) {
          return covers({c->info.dns_sans, c->info.ip_sans, c->info.subject_cn}, host, strict_policy());
        });
        if (!covered) {
          add(v, installed, which[0] == 'E' ? Severity::failure : Severity::warning,
              fmt::format("{} {} {}: no certificate bound to the front end's 443 covers {} (R17)", d.name, which, url,
                          host));
        }
      }
      if (!f.namespaces.empty() &&
          std::none_of(f.namespaces.begin(), f.namespaces.end(), [&](const std::string& n) { return util::iequals_ascii(n, host); })) {
        add(v, installed, Severity::warning,
            fmt::format("{} {} {}: {} is none of the plan's namespaces", d.name, which, url, host));
      }
    }
  }
  // Connectors: a TlsCertificateName that names no certificate on the server makes Exchange pick
  // one by itself (or none), not the one meant.
  for (const auto& c : s.connectors) {
    if (c.tls_subject.empty() || !have_certificates) {
      continue;
    }
    const std::string cn = cn_of(c.tls_subject);
    const std::string issuer = cn_of(c.tls_issuer);
    const bool found = std::any_of(s.certificates.begin(), s.certificates.end(), [&](const auto& x) {
      return util::iequals_ascii(x.info.subject_cn, cn) && (issuer.empty() || util::iequals_ascii(x.info.issuer, issuer));
    });
    if (!found) {
      add(v, installed, Severity::failure,
          fmt::format("{} connector {}: TlsCertificateName <I>{}<S>{} matches no certificate on the server", c.kind,
                      c.name, c.tls_issuer, c.tls_subject));
    }
  }
}

} // namespace

extern const RuleDef installed{
    .info = {.id = "installed",
             .title = "The installed state holds together",
             .text = "Read from a server's own exports (--server-export): every https binding names a certificate "
                     "that is on the server and valid at --at; the Exchange Back End site keeps its https binding on "
                     "444; every virtual directory URL's host is covered by a certificate bound to the front end's "
                     "443 (external URLs fail, internal ones warn) and, with a topology, is one of the plan's "
                     "namespaces; a connector's TlsCertificateName names a certificate on the server.",
             .sources = {"Microsoft CSS-Exchange HealthChecker (certificate and binding checks)",
                         "Microsoft, \"Default settings for Exchange virtual directories\"",
                         "Microsoft, \"TLS certificate selection for SMTP (TlsCertificateName)\""},
             .effective = {},
             .applies_to = {RuleTarget::installed_state}},
    .on_installed = on_installed,
};

} // namespace certplan::rules
