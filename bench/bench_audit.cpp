// audit_endpoints at scale: N tenant endpoints x N/100 certificates of 100 names each
// (issue 6's 100,000 x 1,000), and 2N, to show the index keeps it linear. Run on demand.
#include <certplan/audit.hpp>
#include <certplan/load.hpp>

#include <fmt/format.h>

#include <chrono>
#include <string>

namespace {

double run(std::size_t tenants) {
  std::string t = "schema = 1\n[organization]\nname = \"H\"\nmodel = \"hosted\"\n[[forest]]\nname = \"p\"\n"
                  "smtp_domains = [\"provider.com\"]\n[[site]]\nname = \"DC1\"\nnamespace = \"mail.provider.com\"\n"
                  "[clients]\nsupported = [\"outlook-2016\"]\n[certificates]\nmax_names = 100\n"
                  "[hosting]\nprovider_domain = \"provider.com\"\nautodiscover = \"san\"\n";
  for (std::size_t i = 0; i < tenants; ++i) {
    t += fmt::format("[[tenant]]\nname = \"T{}\"\ndomains = [\"t{}.com\"]\n", i, i);
  }
  const auto& catalog = certplan::ClientCatalog::builtin();
  const auto topo = certplan::parse_topology(t, "bench.toml", catalog);
  const auto plan = certplan::make_plan(topo, catalog);
  std::vector<certplan::AuditCertificate> certs(tenants / 100 + 1);
  for (std::size_t c = 0; c < certs.size(); ++c) {
    auto& a = certs[c];
    a.source = fmt::format("c{}.pem", c);
    a.services = {"iis"};
    a.chain = {true, "Verified", {}, {}};
    a.leaf.subject_cn = c == 0 ? "mail.provider.com" : fmt::format("autodiscover.t{}.com", c * 100);
    a.leaf.key_type = "rsa:2048";
    a.leaf.key_bits = 2048;
    a.leaf.signature_hash = "SHA-256";
    a.leaf.server_auth = true;
    a.leaf.not_before_unix = 1790000000;
    a.leaf.not_after_unix = 1790000000 + 90 * 86400;
    a.leaf.sha256_fingerprint = fmt::format("{:064}", c);
    if (c == 0) {
      a.leaf.dns_sans = {"mail.provider.com", "autodiscover.provider.com"};
    }
    for (std::size_t i = (c == 0 ? 0 : c * 100); i < std::min(tenants, c * 100 + 100) && c != 0; ++i) {
      a.leaf.dns_sans.push_back(fmt::format("autodiscover.t{}.com", i));
    }
  }
  for (std::size_t i = 0; i < 100 && i < tenants; ++i) {
    certs[0].leaf.dns_sans.push_back(fmt::format("autodiscover.t{}.com", i));
  }
  const auto t0 = std::chrono::steady_clock::now();
  const auto audit = certplan::audit_endpoints(topo, plan, catalog, certs, 1795000000);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::size_t fail = 0;
  for (const auto& r : audit.results) {
    fail += r.status == certplan::Severity::failure ? 1 : 0;
  }
  fmt::print("{:>7} endpoints x {:>5} certificates: {:.3f} s ({} results, {} fail)\n", plan.namespaces.size(),
             certs.size(), s, audit.results.size(), fail);
  return s;
}

} // namespace

int main() {
  const double a = run(100000);
  const double b = run(200000);
  fmt::print("doubling the endpoints: x{:.2f} the time\n", b / a);
  return 0;
}
