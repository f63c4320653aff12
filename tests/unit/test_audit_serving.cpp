// The serving model (audit/serving.hpp, R12): which certificate a client meets, looked up by
// the names the certificates carry, in the order they were given.
#include "support.hpp"

#include "audit/serving.hpp"

namespace {

certplan::AuditCertificate cert(std::vector<std::string> sans, std::string service, bool own_address = false,
                                std::string cn = "") {
  certplan::AuditCertificate c;
  c.leaf.dns_sans = std::move(sans);
  c.leaf.subject_cn = std::move(cn);
  c.services = {std::move(service)};
  c.own_address = own_address;
  return c;
}

} // namespace

TEST_CASE("Serving: a name's certificates in the order given, wildcards under their zone, CN-only", "[audit][serving]") {
  const auto t = test::topo(test::k_consolidated);
  const std::string site = "NewYork";
  const std::vector<certplan::AuditCertificate> certs{
      cert({"a.contoso.com", "*.contoso.com"}, "iis"),  // 0
      cert({"a.contoso.com"}, "iis", true),             // 1: on an address of its own
      cert({}, "iis", false, "b.contoso.com"),          // 2: CN only
      cert({"c.contoso.com"}, "smtp"),                  // 3
      cert({"d.contoso.com", "a.contoso.com"}, "iis"),  // 4
  };
  const certplan::Serving s(t, certs);
  using certplan::Serving;
  // With SNI the first certificate naming the host; without, the one on its own address.
  CHECK(s.pick("a.contoso.com", "iis", site, true) == 0);
  CHECK(s.pick("a.contoso.com", "iis", site, false) == 1);
  CHECK(s.pick("d.contoso.com", "iis", site, true) == 4);
  CHECK(s.pick("x.contoso.com", "iis", site, true) == 0); // *.contoso.com
  CHECK(s.pick("b.contoso.com", "iis", site, true) == 2);
  // Named by none bound to the service: the first bound not on its own address.
  CHECK(s.pick("mail.fabrikam.com", "iis", site, true) == 0);
  CHECK(s.pick("c.contoso.com", "iis", site, false) == 0); // the wildcard, c's own being SMTP's
  CHECK(s.pick("c.contoso.com", "smtp", site, true) == 3);
  CHECK(s.pick("c.contoso.com", "imap", site, true) == Serving::npos);
  CHECK(s.pick("a.contoso.com", "iis", "Elsewhere", true) == Serving::npos);
  // Exactly: a DNS SAN equal to the host (a wildcard or a CN-only certificate does not).
  CHECK(s.names_exactly(0, "a.contoso.com"));
  CHECK(s.names_exactly(1, "a.contoso.com"));
  CHECK(s.names_exactly(4, "a.contoso.com"));
  CHECK_FALSE(s.names_exactly(3, "a.contoso.com"));
  CHECK_FALSE(s.names_exactly(0, "x.contoso.com"));
  CHECK_FALSE(s.names_exactly(2, "b.contoso.com"));
  CHECK_FALSE(s.names_exactly(0, "contoso.com"));
}
