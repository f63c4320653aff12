// What each supported client will do with the plan (R2, R3, R10, R12-R16). Every decision
// reads the client's profile data; there is no client-specific code here.
#include "plan/plan_internal.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace certplan {
namespace {

bool serves_client(const CertificatePlan& c, const ClientProfile& p) {
  for (const auto& s : c.services) {
    if ((s == "IIS" && p.uses_https()) || (s == "POP" && p.uses_service(Service::pop3)) ||
        (s == "IMAP" && p.uses_service(Service::imap4)) || (s == "SMTP" && p.uses_service(Service::smtp))) {
      return true;
    }
  }
  return false;
}

class Evaluator {
public:
  Evaluator(const Topology& topo, const Plan& plan, std::vector<Finding>& findings)
      : m_topo(topo), m_plan(plan), m_findings(findings) {}

  ClientOutcome evaluate(const ClientProfile& p);

private:
  void note(ClientOutcome& o, const char* rule, Severity s, std::string message) {
    o.status = std::max(o.status, s);
    o.notes.push_back(fmt::format("{} {}: {}", rule, to_string(s), message));
    if (s != Severity::info) {
      m_findings.push_back({rule, s, fmt::format("{}: {}", o.id, message), o.id});
    }
  }
  void certificates(const ClientProfile& p, ClientOutcome& o);
  void autodiscover(const ClientProfile& p, ClientOutcome& o);

  const Topology& m_topo;
  const Plan& m_plan;
  std::vector<Finding>& m_findings;
};

void Evaluator::certificates(const ClientProfile& p, ClientOutcome& o) {
  const auto& cs = m_topo.certificates;
  bool any = false;
  for (const auto& c : m_plan.certificates) {
    if (!serves_client(c, p)) {
      continue;
    }
    any = true;
    if (c.kind == CertKind::wildcard && p.wildcard == WildcardSupport::none) {
      note(o, "R14", Severity::failure,
           fmt::format("rejects wildcard certificates, and certificate {} ({}) is one; use strategy \"san\" (or "
                       "\"auto\") so every host it uses is a plain SAN",
                       c.id, c.cn));
    }
    if (!c.principal_name.empty() && p.oa_principal == OaPrincipal::cn && p.uses_service(Service::outlook_anywhere)) {
      if (c.kind == CertKind::wildcard) {
        note(o, "R16", Severity::warning,
             fmt::format("matches the Outlook Anywhere principal against the CN only; certificate {} has CN {}, so run "
                         "Set-OutlookProvider EXPR -CertPrincipalName {}",
                         c.id, c.cn, c.principal_name));
      } else {
        note(o, "R16", Severity::info,
             fmt::format("Outlook Anywhere principal {} is the CN of certificate {}", c.principal_name, c.id));
      }
    }
    if (p.name_source == NameSource::cn_only && c.sans.size() > 1) {
      note(o, "R13", Severity::failure,
           fmt::format("reads only the CN, so of certificate {} it sees {} alone; give each other host its own "
                       "certificate",
                       c.id, c.cn));
    }
    if (c.needs_own_ip && p.sni != Tri::yes && p.uses_https()) {
      note(o, "R12", Severity::warning,
           fmt::format("sends no SNI: certificate {} must sit on its own IP address, or this client gets another "
                       "certificate there",
                       c.id));
    }
  }
  if (!any) {
    return;
  }
  // Properties of the authority and key apply to every certificate the client uses.
  const bool oa_or_eas = p.uses_service(Service::outlook_anywhere) || p.uses_service(Service::mapi) ||
                         p.uses_service(Service::activesync);
  switch (cs.authority) {
  case Authority::self_signed:
    if (p.self_signed == SelfSigned::no || (p.self_signed == SelfSigned::scp_only && oa_or_eas)) {
      note(o, "R15", Severity::failure,
           p.self_signed == SelfSigned::scp_only
               ? "accepts a self-signed certificate only for domain-joined autodiscover (SCP); Outlook Anywhere and "
                 "ActiveSync need a CA-issued certificate"
               : "does not accept self-signed certificates");
    } else {
      note(o, "R15", Severity::warning, "users get a certificate warning on every self-signed certificate");
    }
    break;
  case Authority::enterprise:
    if (p.private_ca == PrivateCa::no) {
      note(o, "R13", Severity::failure, "cannot trust a private (enterprise) CA");
    } else if (p.private_ca == PrivateCa::install) {
      note(o, "R13", Severity::warning, "trusts the enterprise CA only once its root certificate is installed on every device");
    }
    break;
  case Authority::public_:
    break;
  }
  if (cs.key.algorithm == "ecdsa" && p.ecdsa != Tri::yes) {
    note(o, "R10", p.ecdsa == Tri::no ? Severity::failure : Severity::warning,
         p.ecdsa == Tri::no ? "does not support ECDSA certificates; use an RSA key"
                            : "ECDSA support is UNVERIFIED for this client; test before relying on an ECDSA key");
  }
  if (p.sha256 != Tri::yes) {
    note(o, "R10", p.sha256 == Tri::no ? Severity::failure : Severity::warning,
         p.sha256 == Tri::no ? "cannot validate SHA-256 signatures, and CAs sign only with SHA-256 or stronger"
                             : "SHA-256 support is UNVERIFIED for this client (CAs sign only with SHA-256 or stronger)");
  }
  if (m_topo.organization.model == Model::multisite_single_namespace && p.uses_service(Service::activesync)) {
    note(o, "R3", Severity::warning,
         "ActiveSync does not follow redirection: a device that lands in another site than its mailbox fails "
         "(white paper); use the regional model or clear ExternalURL on the other sites' virtual directories");
  }
}

void Evaluator::autodiscover(const ClientProfile& p, ClientOutcome& o) {
  if (!p.uses_service(Service::autodiscover) || !m_topo.services.autodiscover) {
    return;
  }
  // `target`: where autodiscover sends the client; `manual`: the server a user types instead.
  const auto judge = [&](AutodiscoverMethod m, std::size_t domains, const std::string& who, const std::string& target,
                         const std::string& manual) {
    const std::string scope = domains == 1 ? who : fmt::format("{} ({} domains)", who, domains);
    switch (m) {
    case AutodiscoverMethod::san:
      if (p.autodiscover.https_autodiscover == Tri::yes) {
        note(o, "R2", Severity::info, fmt::format("{}: https://autodiscover.<domain> is on the certificate, works silently", scope));
      } else {
        note(o, "R2", Severity::warning,
             fmt::format("{}: https://autodiscover.<domain> lookup is {} for this client; users may have to enter {} by hand",
                         scope, to_string(p.autodiscover.https_autodiscover), manual));
      }
      return;
    case AutodiscoverMethod::redirect:
    case AutodiscoverMethod::srv: {
      const Follow f = m == AutodiscoverMethod::srv ? p.autodiscover.srv : p.autodiscover.http_redirect;
      const char* what = m == AutodiscoverMethod::srv ? "the SRV record" : "the HTTP redirect";
      if (f == Follow::silent) {
        note(o, "R2", Severity::info, fmt::format("{}: follows {} to {} silently", scope, what, target));
      } else if (f == Follow::prompt) {
        note(o, "R2", Severity::info,
             fmt::format("{}: follows {} to {} after a one-time prompt (\"Allow this website to configure ... server "
                         "settings?\")",
                         scope, what, target));
      } else {
        note(o, "R2", Severity::warning,
             fmt::format("{}: {} {}; users enter {} by hand", scope,
                         f == Follow::no ? "does not follow" : "is UNVERIFIED to follow", what, manual));
      }
      return;
    }
    }
  };
  std::size_t org_domains = 0;
  std::string org_target;
  for (const auto& f : m_topo.forests) {
    org_domains += f.smtp_domains.size();
    if (const Site* s = autodiscover_site(m_topo, f.name); s != nullptr && org_target.empty()) {
      org_target = s->ns->display;
    }
  }
  judge(m_topo.certificates.autodiscover, org_domains, "organization domains", org_target, org_target);
  if (m_topo.hosting) {
    std::size_t n = 0;
    for (const auto& t : m_topo.tenants) {
      n += t.domains.size();
    }
    if (n != 0) {
      judge(m_topo.hosting->autodiscover, n, "tenant domains", "autodiscover." + m_topo.hosting->provider_domain.display,
            primary_site(m_topo).ns->display);
    }
  }
}

ClientOutcome Evaluator::evaluate(const ClientProfile& p) {
  ClientOutcome o;
  o.id = p.id;
  o.name = p.name;
  certificates(p, o);
  autodiscover(p, o);
  return o;
}

} // namespace

std::vector<ClientOutcome> evaluate_clients(const Topology& topo, const Plan& plan, const SupportedClients& clients,
                                            std::vector<Finding>& findings) {
  std::vector<ClientOutcome> out;
  Evaluator e(topo, plan, findings);
  for (const auto* p : clients.list) {
    out.push_back(e.evaluate(*p));
  }
  return out;
}

} // namespace certplan
