// Certificate planning: R7 order, R8 strategies, R9 splitting, R12 bindings, R14, R16.
#include "support.hpp"

#include <certplan/audit.hpp>
#include <certplan/io.hpp>
#include <certplan/render.hpp>

using certplan::CertKind;
using certplan::Severity;

namespace {

// k_consolidated with POP/IMAP/SMTP published on their own names and a legacy namespace.
std::string full(std::string_view certs, std::string_view clients = "[\"outlook-2016\", \"owa-browser\"]") {
  std::string t = test::k_consolidated;
  t.replace(t.find("namespace = \"mail.contoso.com\""), 30,
            "namespace = \"mail.contoso.com\"\nlegacy_namespace = \"legacy.contoso.com\"");
  return t + "[services]\npop3 = { host = \"pop.contoso.com\" }\nimap4 = { host = \"imap.contoso.com\" }\n"
             "smtp = { host = \"smtp.contoso.com\" }\n[clients]\nsupported = " +
         std::string(clients) + "\n[certificates]\n" + std::string(certs);
}

} // namespace

TEST_CASE("R7: CN, primary autodiscover, the site's other names, other domains' autodiscover", "[plan][certificates]") {
  const auto p = test::plan(full("strategy = \"san\"\n"));
  REQUIRE(p.certificates.size() == 1);
  const auto& c = p.certificates[0];
  REQUIRE(c.kind == CertKind::san);
  REQUIRE(c.cn == "mail.contoso.com");
  REQUIRE(c.sans == std::vector<std::string>{"mail.contoso.com", "autodiscover.contoso.com", "legacy.contoso.com",
                                             "pop.contoso.com", "imap.contoso.com", "smtp.contoso.com",
                                             "autodiscover.contoso.co.uk"});
  REQUIRE(c.services == std::vector<std::string>{"IIS", "POP", "IMAP", "SMTP"});
  REQUIRE(c.principal_name == "msstd:mail.contoso.com"); // R16
  REQUIRE(c.binding.find("Set-PopSettings -X509CertificateName pop.contoso.com") != std::string::npos);
  REQUIRE(c.binding.find("receive connector FQDN smtp.contoso.com") != std::string::npos);
  // R7: both -SubjectName (CN) and -DomainName in plan order.
  REQUIRE(c.exchange_command.find("-SubjectName 'CN=mail.contoso.com'") != std::string::npos);
  REQUIRE(c.exchange_command.find("-DomainName 'mail.contoso.com', 'autodiscover.contoso.com', 'legacy.contoso.com'") !=
          std::string::npos);
}

TEST_CASE("R7 order does not depend on the order of the [services] keys", "[plan][certificates]") {
  std::string t = full("strategy = \"san\"\n");
  std::string swapped = t;
  const auto pop = swapped.find("pop3 = { host = \"pop.contoso.com\" }\n");
  swapped.erase(pop, 36);
  swapped.insert(swapped.find("smtp = {"), "pop3 = { host = \"pop.contoso.com\" }\n");
  REQUIRE(test::plan(t).certificates[0].sans == test::plan(swapped).certificates[0].sans);
}

TEST_CASE("R9: names over max_names split, each site's namespace kept with its autodiscover", "[plan][certificates]") {
  const auto p = test::plan(full("strategy = \"san\"\nmax_names = 3\n"));
  REQUIRE(p.certificates.size() == 3);
  for (const auto& c : p.certificates) {
    REQUIRE(c.sans.size() <= 3);
  }
  REQUIRE(p.certificates[0].id == "newyork-1");
  // The namespace and both autodiscover names fill the first; the rest move on.
  REQUIRE(p.certificates[0].sans ==
          std::vector<std::string>{"mail.contoso.com", "autodiscover.contoso.com", "autodiscover.contoso.co.uk"});
  REQUIRE(p.certificates[1].sans == std::vector<std::string>{"legacy.contoso.com", "pop.contoso.com", "imap.contoso.com"});
  REQUIRE(p.certificates[2].sans == std::vector<std::string>{"smtp.contoso.com"});
  REQUIRE(test::has_finding(p, "R9", Severity::info));
  // Only the first certificate holds the site's IP:443; the second is also on 443.
  REQUIRE(p.certificates[0].binding.find("Default Web Site") != std::string::npos);
  REQUIRE(p.certificates[1].binding.find("SNI") != std::string::npos);
}

TEST_CASE("R9: with max_names = 4 the second domain's autodiscover stays with the namespace", "[plan][certificates]") {
  const auto p = test::plan(full("strategy = \"san\"\nmax_names = 4\n"));
  REQUIRE(p.certificates.size() == 2);
  REQUIRE(p.certificates[0].sans == std::vector<std::string>{"mail.contoso.com", "autodiscover.contoso.com",
                                                             "legacy.contoso.com", "autodiscover.contoso.co.uk"});
  REQUIRE(p.certificates[1].sans == std::vector<std::string>{"pop.contoso.com", "imap.contoso.com", "smtp.contoso.com"});
  const auto f = std::find_if(p.findings.begin(), p.findings.end(), [](const auto& x) { return x.rule == "R9"; });
  REQUIRE(f != p.findings.end());
  REQUIRE(f->message.find("each site's namespace kept with its autodiscover names") != std::string::npos);
}

TEST_CASE("R9: when the namespace and autodiscover names alone exceed max_names, it says so", "[plan][certificates]") {
  const auto p = test::plan(full("strategy = \"san\"\nmax_names = 2\n"));
  REQUIRE(p.certificates[0].sans == std::vector<std::string>{"mail.contoso.com", "autodiscover.contoso.com"});
  REQUIRE(p.certificates[1].sans == std::vector<std::string>{"legacy.contoso.com", "autodiscover.contoso.co.uk"});
  const auto f = std::find_if(p.findings.begin(), p.findings.end(), [](const auto& x) { return x.rule == "R9"; });
  REQUIRE(f != p.findings.end());
  REQUIRE(f->severity == Severity::warning);
  REQUIRE(f->message.find("site NewYork's namespace and autodiscover names are 3, more than the 2 a certificate "
                          "holds, so they span newyork-1, newyork-2") != std::string::npos);
  REQUIRE(f->message.find("kept with") == std::string::npos); // no claim it cannot keep
}

TEST_CASE("R14: a wildcard with windows-mobile-5 supported fails, naming the client", "[plan][certificates]") {
  const auto p = test::plan(full("strategy = \"wildcard\"\n", "[\"outlook-2016\", \"windows-mobile-5\"]"));
  REQUIRE(p.certificates[0].kind == CertKind::wildcard);
  REQUIRE(p.certificates[0].cn == "*.contoso.com");
  REQUIRE(p.worst() == Severity::failure);
  const auto it = std::find_if(p.findings.begin(), p.findings.end(),
                               [](const certplan::Finding& f) { return f.rule == "R14"; });
  REQUIRE(it != p.findings.end());
  REQUIRE(it->client == "windows-mobile-5");
  REQUIRE(it->severity == Severity::failure);
}

TEST_CASE("R8 wildcard: covers one label; POP/IMAP hosts and other zones stay explicit", "[plan][certificates]") {
  const auto p = test::plan(full("strategy = \"wildcard\"\n"));
  REQUIRE(p.certificates.size() == 1);
  REQUIRE(p.certificates[0].sans == std::vector<std::string>{"*.contoso.com", "pop.contoso.com", "imap.contoso.com",
                                                             "autodiscover.contoso.co.uk"});
  // The wildcard still serves every service of the covered names.
  REQUIRE(p.certificates[0].services == std::vector<std::string>{"IIS", "POP", "IMAP", "SMTP"});
  REQUIRE(p.certificates[0].principal_name == "msstd:*.contoso.com"); // R16
  // No wildcard may appear in -DomainName.
  REQUIRE(p.certificates[0].exchange_command.find("-DomainName '*") == std::string::npos);
}

TEST_CASE("R16: a wildcard with an XP Outlook client needs Set-OutlookProvider", "[plan][certificates]") {
  const auto p = test::plan(full("strategy = \"wildcard\"\n", "[\"outlook-2007-xp\"]"));
  REQUIRE(test::has_finding(p, "R16", Severity::warning));
}

TEST_CASE("R8 auto: SAN when a client rejects wildcards or a wildcard saves nothing", "[plan][certificates]") {
  REQUIRE(test::plan(full("strategy = \"auto\"\n", "[\"outlook-2016\", \"windows-mobile-5\"]")).strategy_used ==
          certplan::Strategy::san);
  REQUIRE(test::plan(full("strategy = \"auto\"\n")).strategy_used == certplan::Strategy::san);
}

TEST_CASE("R8 auto: wildcard when it needs fewer certificates", "[plan][certificates]") {
  const auto p = test::plan(R"(schema = 1
[organization]
name = "Contoso"
model = "regional"
[[forest]]
name = "contoso"
smtp_domains = ["contoso.com"]
[[site]]
name = "East"
namespace = "east.contoso.com"
[[site]]
name = "West"
namespace = "west.contoso.com"
[clients]
supported = ["outlook-2016", "ios-mail"]
)");
  REQUIRE(p.strategy_used == certplan::Strategy::wildcard);
  REQUIRE(p.certificates.size() == 1);
  REQUIRE(p.certificates[0].sites == std::vector<std::string>{"East", "West"});
}

TEST_CASE("single-name: one certificate per name; without SNI each needs its own IP (R12)", "[plan][certificates]") {
  const auto p = test::plan(full("strategy = \"single-name\"\n", "[\"outlook-2016\", \"owa-ie-xp\"]"));
  REQUIRE(p.certificates.size() == 7);
  for (const auto& c : p.certificates) {
    REQUIRE(c.kind == CertKind::single_name);
    REQUIRE(c.sans == std::vector<std::string>{c.cn});
  }
  REQUIRE_FALSE(p.certificates[0].needs_own_ip);
  REQUIRE(p.certificates[1].needs_own_ip); // autodiscover.contoso.com on 443 too
  REQUIRE(test::has_finding(p, "R12", Severity::warning));
  const auto& pop = *std::find_if(p.certificates.begin(), p.certificates.end(),
                                  [](const auto& c) { return c.cn == "pop.contoso.com"; });
  REQUIRE(pop.services == std::vector<std::string>{"POP"});
  REQUIRE_FALSE(pop.needs_own_ip); // POP3 is not on 443
}

TEST_CASE("R15: self-signed fails ActiveSync and Outlook Anywhere, warns OWA", "[plan][certificates]") {
  const auto p = test::plan(full("authority = \"self-signed\"\n", "[\"outlook-2016\", \"owa-browser\", \"ios-mail\"]"));
  const auto status = [&](std::string_view id) {
    return std::find_if(p.clients.begin(), p.clients.end(), [&](const auto& c) { return c.id == id; })->status;
  };
  REQUIRE(status("outlook-2016") == Severity::failure);
  REQUIRE(status("ios-mail") == Severity::failure);
  REQUIRE(status("owa-browser") == Severity::warning);
  REQUIRE(p.certificates[0].exchange_command.starts_with("New-ExchangeCertificate -KeySize"));
}

TEST_CASE("subject parts go into -SubjectName in X.500 order", "[plan][certificates]") {
  const auto p = test::plan(full("[certificates.subject]\ncountry = \"US\"\nstate = \"California\"\n"
                                 "locality = \"Los Angeles\"\norganization = \"HostingCompany\"\nunit = \"IT\"\n"));
  REQUIRE(p.certificates[0].exchange_command.find(
              "-SubjectName 'C=US, S=California, L=Los Angeles, O=HostingCompany, OU=IT, CN=mail.contoso.com'") !=
          std::string::npos);
}

TEST_CASE("R12 hosted: the redirect site's address is no certificate address; 443 on the primary IP only",
          "[plan][certificates]") {
  test::Hosted h;
  h.autodiscover = "redirect";
  h.clients = R"(["outlook-2007-xp"])";
  h.certificates = "strategy = \"single-name\"\n";
  const auto p = test::plan(h.toml());
  // Two certificates on 443 (mail, autodiscover.provider.com): 192.0.2.10 is the only
  // certificate address; 192.0.2.11 is the redirect web site's.
  const auto ips = std::find_if(p.findings.begin(), p.findings.end(), [](const auto& f) {
    return f.rule == "R12" && f.message.find("IP addresses on 443") != std::string::npos;
  });
  REQUIRE(ips != p.findings.end());
  REQUIRE(ips->message.find("the topology lists 1 for certificates") != std::string::npos);
  REQUIRE(ips->message.find("redirect web site") != std::string::npos);
  const auto dws = std::find_if(p.findings.begin(), p.findings.end(), [](const auto& f) {
    return f.rule == "R12" && f.message.find("primary IP (192.0.2.10) only") != std::string::npos;
  });
  REQUIRE(dws != p.findings.end());
  REQUIRE(dws->message.find("192.0.2.11") != std::string::npos);
  REQUIRE(p.certificates[0].binding.find("primary IP only") != std::string::npos);
  // The seed-000 plan with SNI everywhere says it too: the binding rule does not depend on R12's IPs.
  test::Hosted sni;
  sni.autodiscover = "redirect";
  const auto q = test::plan(sni.toml());
  REQUIRE(std::any_of(q.findings.begin(), q.findings.end(), [](const auto& f) {
    return f.rule == "R12" && f.message.find("primary IP (192.0.2.10) only") != std::string::npos;
  }));
}

namespace {

// make_certificate_plan against make_plan on `text`: every field it fills is make_plan's, the
// Exchange requests are left empty, and an audit of the planned certificates as issued reads
// the same from both (audit uses the former since issue 18).
void certificate_plan_is_make_plans(const std::string& text) {
  const auto t = test::topo(text);
  const auto& catalog = certplan::ClientCatalog::builtin();
  const auto whole = certplan::make_plan(t, catalog);
  const auto part = certplan::make_certificate_plan(t, catalog);
  REQUIRE(part.topology_path == whole.topology_path);
  REQUIRE(part.organization == whole.organization);
  REQUIRE(part.model == whole.model);
  REQUIRE(part.exchange == whole.exchange);
  REQUIRE(part.strategy_requested == whole.strategy_requested);
  REQUIRE(part.strategy_used == whole.strategy_used);
  REQUIRE(part.strategy_reason == whole.strategy_reason);
  REQUIRE(part.namespaces.size() == whole.namespaces.size());
  for (std::size_t i = 0; i < whole.namespaces.size(); ++i) {
    const auto& a = part.namespaces[i];
    const auto& b = whole.namespaces[i];
    REQUIRE(a.fqdn.ascii == b.fqdn.ascii);
    REQUIRE(a.fqdn.display == b.fqdn.display);
    REQUIRE(a.services == b.services);
    REQUIRE(a.site == b.site);
    REQUIRE(a.sites == b.sites);
    REQUIRE(a.forest == b.forest);
    REQUIRE(a.scope == b.scope);
    REQUIRE(a.role == b.role);
    REQUIRE(a.tenant == b.tenant);
    REQUIRE(a.on_certificate == b.on_certificate);
    REQUIRE(a.rank == b.rank);
  }
  REQUIRE(part.certificates.size() == whole.certificates.size());
  for (std::size_t i = 0; i < whole.certificates.size(); ++i) {
    const auto& a = part.certificates[i];
    const auto& b = whole.certificates[i];
    REQUIRE(a.id == b.id);
    REQUIRE(a.kind == b.kind);
    REQUIRE(a.cn == b.cn);
    REQUIRE(a.sans == b.sans);
    REQUIRE(a.sites == b.sites);
    REQUIRE(a.services == b.services);
    REQUIRE(a.forest == b.forest);
    REQUIRE(a.key == b.key);
    REQUIRE(a.authority == b.authority);
    REQUIRE(a.binding == b.binding);
    REQUIRE(a.needs_own_ip == b.needs_own_ip);
    REQUIRE(a.principal_name == b.principal_name);
    REQUIRE(a.exchange_command.empty());
    REQUIRE_FALSE(b.exchange_command.empty());
  }
  REQUIRE(part.dns_records.empty());
  REQUIRE(part.findings.empty());
  REQUIRE(part.clients.empty());
  REQUIRE(part.verdicts.empty());
  const auto audited = [&](const certplan::Plan& p) {
    const auto a = certplan::audit_endpoints(t, p, catalog, certplan::as_issued(t, p, 0), 0);
    return certplan::render_audit(a, {}, certplan::Format::json);
  };
  REQUIRE(audited(part) == audited(whole));
}

} // namespace

TEST_CASE("make_certificate_plan: make_plan's names and certificates, without the rest", "[plan][certificates]") {
  for (const char* name : {"consolidated.toml", "hosted-san.toml", "hosted.toml", "multi-forest.toml",
                           "multisite-single-namespace.toml", "proxy-sites.toml", "regional.toml", "wildcard-wm5.toml"}) {
    INFO(name);
    certificate_plan_is_make_plans(certplan::read_file(std::string(CERTPLAN_TEST_DATA) + "/../../examples/" + name));
  }
  // Each strategy, and auto both ways (the certificates it compared are the ones kept).
  for (const char* s : {"strategy = \"san\"\n", "strategy = \"wildcard\"\n", "strategy = \"single-name\"\n", ""}) {
    INFO(s);
    certificate_plan_is_make_plans(full(s));
    certificate_plan_is_make_plans(full(s, "[\"outlook-2016\", \"windows-mobile-5\"]"));
  }
}
