// R2: autodiscover for every SMTP domain users sign in with.
#include "rules/rule.hpp"
#include "plan/plan_internal.hpp"

#include <fmt/format.h>

namespace certplan::rules {

extern const RuleDef r02;

namespace {

// How each client follows the topology's autodiscover method for its own and its tenants'
// domains (seed 002's lookup order; the client's profile says what it does with each step).
void for_client(const ClientFacts& f, Verdicts& v) {
  const auto& p = f.client;
  const auto& topo = f.topology;
  const auto note = [&](const char* /*rule*/, Severity s, std::string message) { add(v, r02, s, std::move(message)); };
  if (!p.uses_service(Service::autodiscover) || !topo.services.autodiscover) {
    return;
  }
  // `target`: where autodiscover sends the client; `manual`: the server a user types instead.
  const auto judge = [&](AutodiscoverMethod m, std::size_t domains, const std::string& who, const std::string& target,
                         const std::string& manual) {
    const std::string scope = domains == 1 ? who : fmt::format("{} ({} domains)", who, domains);
    switch (m) {
    case AutodiscoverMethod::san:
      if (p.autodiscover.https_autodiscover == Tri::yes) {
        note("R2", Severity::info, fmt::format("{}: https://autodiscover.<domain> is on the certificate, works silently", scope));
      } else {
        note("R2", Severity::warning,
             fmt::format("{}: https://autodiscover.<domain> lookup is {} for this client; users may have to enter {} by hand",
                         scope, to_string(p.autodiscover.https_autodiscover), manual));
      }
      return;
    case AutodiscoverMethod::redirect:
    case AutodiscoverMethod::srv: {
      const Follow follow = m == AutodiscoverMethod::srv ? p.autodiscover.srv : p.autodiscover.http_redirect;
      const char* what = m == AutodiscoverMethod::srv ? "the SRV record" : "the HTTP redirect";
      if (follow == Follow::silent) {
        note("R2", Severity::info, fmt::format("{}: follows {} to {} silently", scope, what, target));
      } else if (follow == Follow::prompt) {
        note("R2", Severity::info,
             fmt::format("{}: follows {} to {} after a one-time prompt (\"Allow this website to configure ... server "
                         "settings?\")",
                         scope, what, target));
      } else {
        note("R2", Severity::warning,
             fmt::format("{}: {} {}; users enter {} by hand", scope,
                         follow == Follow::no ? "does not follow" : "is UNVERIFIED to follow", what, manual));
      }
      return;
    }
    }
  };
  std::size_t org_domains = 0;
  std::string org_target;
  for (const auto& f : topo.forests) {
    org_domains += f.smtp_domains.size();
    if (const Site* s = autodiscover_site(topo, f.name); s != nullptr && org_target.empty()) {
      org_target = s->ns->display;
    }
  }
  judge(topo.certificates.autodiscover, org_domains, "organization domains", org_target, org_target);
  if (topo.hosting) {
    std::size_t n = 0;
    for (const auto& t : topo.tenants) {
      n += t.domains.size();
    }
    if (n != 0) {
      judge(topo.hosting->autodiscover, n, "tenant domains", "autodiscover." + topo.hosting->provider_domain.display,
            primary_site(topo).ns->display);
    }
  }
}

} // namespace

extern const RuleDef r02{
    .info = {.id = "R2",
             .title = "Autodiscover per SMTP domain",
             .text = "For every accepted SMTP domain d, clients try https://d/autodiscover/autodiscover.xml, then "
                     "https://autodiscover.d/..., then http://autodiscover.d/... (a redirect, with a prompt), then "
                     "the SRV record _autodiscover._tcp.d; Outlook 2016 and later first check Microsoft 365. TLS is "
                     "checked against the name looked up, never a CNAME's target, so each d needs autodiscover.d on "
                     "a certificate (san), an SRV record to a name on one (srv), or an HTTP redirect site (redirect).",
             .sources = {"seed 002 (Exchange 2007 AutoDiscover and Multi-Tenant Hosting)", "seed 004, \"Autodiscover\"",
                         "Microsoft KB3211279 (Outlook 2016 Microsoft 365 check)", "RFC 9525 6.1.1 (CNAME targets)"},
             .effective = {},
             .applies_to = {RuleTarget::topology, RuleTarget::dns_plan}},
    .for_client = for_client,
};

} // namespace certplan::rules
