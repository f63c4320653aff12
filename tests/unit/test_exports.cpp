// --server-export (issue 16): the CLIXML and JSON readers, the BinaryFormatter blob reader and
// the installed state, on the CSS-Exchange HealthChecker exports (tests/data/css-exchange).
#include "support.hpp"

#include <certplan/server_export.hpp>

#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <sstream>

using namespace certplan::exports;
using certplan::Severity;

namespace {

const std::string k_data = std::string(CERTPLAN_TEST_DATA) + "/css-exchange/";
const std::string k_e16 = k_data + "Tests/DataCollection/E16/Exchange/";
const std::string k_e19 = k_data + "Tests/DataCollection/E19/Exchange/";
const std::string k_variants = k_data + "DataCollection/ExchangeInformation/Tests/DataCollection/";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

InstalledState state_of(const std::vector<std::string>& files) {
  InstalledState s;
  s.source = "test";
  for (const auto& f : files) {
    const std::string text = to_utf8(slurp(f), f);
    add_objects(s, sniff_format(text) == ExportFormat::json ? read_ps_json(text, f) : read_clixml(text, f), f);
  }
  return s;
}

// Windows' own thumbprints, from each certificate's ToString ("[Thumbprint]\r\n  92E1...").
std::vector<std::string> windows_thumbprints(const std::string& file) {
  const std::string text = to_utf8(slurp(file), file);
  std::vector<std::string> out;
  for (const auto& o : read_clixml(text, file)) {
    const std::regex re(R"(\[Thumbprint\]\r\n\s*([0-9A-F]{40}))");
    std::smatch m;
    if (std::regex_search(o->text, m, re)) {
      out.push_back(m[1]);
    }
  }
  return out;
}

std::string blob_of(const std::string& file, std::size_t index) {
  const std::string text = to_utf8(slurp(file), file);
  const auto objs = read_clixml(text, file);
  REQUIRE(index < objs.size());
  const auto* b = objs[index]->get("SerializationData");
  REQUIRE(b != nullptr);
  return b->bytes;
}

std::vector<certplan::Finding> findings_of(const InstalledState& s, long long at, std::vector<std::string> ns = {}) {
  return judge_installed(s, ns, at);
}

bool has(const std::vector<certplan::Finding>& f, std::string_view rule, Severity sev, std::string_view part) {
  return std::any_of(f.begin(), f.end(), [&](const certplan::Finding& x) {
    return x.rule == rule && x.severity == sev && x.message.find(part) != std::string::npos;
  });
}

constexpr long long k_2022_06_01 = 1654041600;

} // namespace

TEST_CASE("_xHHHH_ escapes: text and names, _x005F_ is an underscore, surrogate pairs", "[exports]") {
  REQUIRE(decode_xml_escapes("[Subject]_x000D__x000A_  CN=x") == "[Subject]\r\n  CN=x");
  REQUIRE(decode_xml_escapes("a_x005F_x000D_b") == "a_x000D_b");
  REQUIRE(decode_xml_escapes("_xD83D__xDE00_") == "\xF0\x9F\x98\x80");
  REQUIRE(decode_xml_escapes("_x00zz_ stays") == "_x00zz_ stays");
  const auto objs = read_clixml(R"(<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">
<Obj RefId="0"><MS><S N="a_x0020_b">c_x005F_d</S></MS></Obj></Objs>)",
                                "t.xml");
  REQUIRE(objs.size() == 1);
  REQUIRE(objs[0]->text_of("a b") == "c_d");
}

TEST_CASE("Ref and TNRef point back into two file-global id spaces", "[exports]") {
  const std::string xml = R"(<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">
<Obj RefId="0"><TN RefId="0"><T>Deserialized.A.Thing</T><T>System.Object</T></TN>
  <Props><Obj N="Inner" RefId="1"><TN RefId="1"><T>B.Inner</T></TN><ToString>inner</ToString></Obj></Props></Obj>
<Obj RefId="2"><TNRef RefId="0" /><Props><Ref N="Inner" RefId="1" /></Props></Obj>
</Objs>)";
  const auto objs = read_clixml(xml, "t.xml");
  REQUIRE(objs.size() == 2);
  REQUIRE(objs[1]->type_names == std::vector<std::string>{"A.Thing", "System.Object"});
  REQUIRE(objs[1]->get("Inner") == objs[0]->get("Inner"));
  REQUIRE(objs[1]->text_of("inner") == "inner");
  // A Ref to an id never defined: an input error at its position.
  const std::string bad = "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\n"
                          "<Obj RefId=\"0\">\n  <Props><Ref N=\"x\" RefId=\"7\" /></Props></Obj></Objs>";
  REQUIRE_THROWS_WITH(read_clixml(bad, "bad.xml"), Catch::Matchers::StartsWith("bad.xml:3:11: <Ref RefId=\"7\">"));
  const std::string bad_tn = "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">"
                             "<Obj RefId=\"0\"><TNRef RefId=\"3\" /></Obj></Objs>";
  REQUIRE_THROWS_WITH(read_clixml(bad_tn, "t.xml"), Catch::Matchers::Contains("<TNRef RefId=\"3\">"));
}

TEST_CASE("malformed CLIXML and JSON are input errors with file, line and column", "[exports]") {
  const std::string xml = "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\n"
                          "<Obj RefId=\"0\">\n<S N=\"x\">y</Obj></Objs>";
  try {
    read_clixml(xml, "e.xml");
    FAIL("no error");
  } catch (const certplan::Error& e) {
    REQUIRE(e.kind() == certplan::ErrorKind::input);
    REQUIRE(e.where());
    REQUIRE(e.where()->file == "e.xml");
    REQUIRE(e.where()->line == 3);
  }
  REQUIRE_THROWS_WITH(read_ps_json("[\n {\"a\": 1,\n  \"b\" 2}]", "e.json"), Catch::Matchers::StartsWith("e.json:3:"));
}

TEST_CASE("UTF-8 with BOM and UTF-16LE (with and without a BOM) read the same", "[exports]") {
  const std::string raw = slurp(k_e16 + "GetAuthConfig.xml");
  REQUIRE(raw.starts_with("\xEF\xBB\xBF"));
  const std::string utf8 = to_utf8(raw, "x");
  std::string le = "\xFF\xFE";
  std::string bare;
  // The file is ASCII after the BOM: its UTF-16LE is each byte and a NUL.
  for (const char c : utf8) {
    REQUIRE(static_cast<unsigned char>(c) < 0x80);
    bare += c;
    bare += '\0';
  }
  le += bare;
  REQUIRE(to_utf8(le, "x") == utf8);
  REQUIRE(to_utf8(bare, "x") == utf8);
  REQUIRE(to_utf8(std::string("\xFF\xFE\x41\x00\x3D\xD8\x00\xDE", 8), "x") == "A\xF0\x9F\x98\x80");
  REQUIRE_THROWS_AS(to_utf8("\xFF\xFE\x41", "x"), certplan::Error);
  REQUIRE(sniff_format(utf8) == ExportFormat::clixml);
  REQUIRE(sniff_format(" [ {} ]") == ExportFormat::json);
  REQUIRE_FALSE(sniff_format("-----BEGIN CERTIFICATE-----"));
}

TEST_CASE("E16 and E19 certificates: thumbprint = SHA-1 of RawData = Windows' own; Services and Status", "[exports]") {
  for (const auto& dir : {k_e16, k_e19}) {
    INFO(dir);
    const auto s = state_of({dir + "GetExchangeCertificate.xml"});
    const auto windows = windows_thumbprints(dir + "GetExchangeCertificate.xml");
    REQUIRE(windows.size() == 3);
    REQUIRE(s.certificates.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
      REQUIRE(s.certificates[i].thumbprint == windows[i]);
      REQUIRE(s.certificates[i].blob);
      // Identity in the blob is SERVER\THUMBPRINT.
      REQUIRE(s.certificates[i].blob->identity.ends_with("\\" + windows[i]));
      REQUIRE(s.certificates[i].blob->status == 1); // Valid
      REQUIRE(s.certificates[i].blob->self_signed == true);
      REQUIRE(s.certificates[i].info.self_signed);
    }
    // Exchange's defaults: the Auth certificate serves SMTP; the server's self-signed certificate
    // IMAP, POP, IIS and SMTP; the WMSvc certificate (IIS remote management) nothing.
    REQUIRE(s.certificates[0].info.subject_cn == "Microsoft Exchange Server Auth Certificate");
    REQUIRE(s.certificates[0].blob->services == 16u);
    REQUIRE(services_to_string(*s.certificates[1].blob->services) == "IMAP, POP, IIS, SMTP");
    REQUIRE(s.certificates[2].info.subject_cn.starts_with("WMSvc-"));
    REQUIRE(s.certificates[2].blob->services == 0u);
  }
  const auto e16 = state_of({k_e16 + "GetExchangeCertificate.xml"});
  REQUIRE(e16.certificates[0].info.not_after == "2023-10-29T00:34:03Z");
  REQUIRE(e16.certificates[1].info.subject_cn == "Solo-E16A");
  REQUIRE(e16.certificates[1].info.dns_sans == std::vector<std::string>{"Solo-E16A", "Solo-E16A.Solo.local"});
  // E19's WMSvc certificate has a Key Usage Botan refuses: read by the DER walk, said so.
  const auto e19 = state_of({k_e19 + "GetExchangeCertificate.xml"});
  REQUIRE(e19.certificates[2].note.find("DER walk") != std::string::npos);
  REQUIRE(e19.certificates[2].info.not_after_unix > e19.certificates[2].info.not_before_unix);
}

TEST_CASE("the variants: broken (no blob), incomplete, multiple matches, without Auth", "[exports]") {
  const auto broken = state_of({k_variants + "GetExchangeCertificateBroken.xml"});
  REQUIRE(broken.certificates.size() == 5);
  REQUIRE(std::none_of(broken.certificates.begin(), broken.certificates.end(), [](const auto& c) { return c.blob.has_value(); }));
  REQUIRE(windows_thumbprints(k_variants + "GetExchangeCertificateBroken.xml").at(1) == broken.certificates[1].thumbprint);
  REQUIRE(state_of({k_variants + "GetExchangeCertificateIncomplete.xml"}).certificates.size() == 2);
  // Two certificates named localhost, two thumbprints.
  const auto multiple = state_of({k_variants + "GetExchangeCertificateMultipleMatches.xml"});
  REQUIRE(multiple.certificates.size() == 5);
  std::vector<std::string> localhost;
  for (const auto& c : multiple.certificates) {
    if (c.info.subject_cn == "localhost") {
      localhost.push_back(c.thumbprint);
    }
  }
  REQUIRE(localhost.size() == 2);
  REQUIRE(localhost[0] != localhost[1]);
  // Get-AuthConfig names an Auth certificate the server does not have: R11 fails.
  const auto without = state_of({k_variants + "GetExchangeCertificateWithoutAuth.xml", k_variants + "GetAuthConfig.xml"});
  REQUIRE(without.auth.size() == 1);
  REQUIRE(without.find(without.auth[0].current) == nullptr);
  const auto f = findings_of(without, k_2022_06_01);
  REQUIRE(has(f, "R11", Severity::failure, "is not on this server"));
  // With the Auth certificate present, none.
  const auto with = state_of({k_variants + "GetExchangeCertificate.xml", k_variants + "GetAuthConfig.xml"});
  REQUIRE(with.find(with.auth[0].current) != nullptr);
  REQUIRE_FALSE(has(findings_of(with, k_2022_06_01), "R11", Severity::failure, ""));
}

TEST_CASE("R11 on Get-AuthConfig: expired, below 60 days, a staged next certificate", "[exports]") {
  auto s = state_of({k_e16 + "GetExchangeCertificate.xml", k_e16 + "GetAuthConfig.xml"});
  REQUIRE(s.auth.size() == 1);
  const auto* auth = s.find(s.auth[0].current);
  REQUIRE(auth != nullptr);
  REQUIRE(auth->info.subject_cn == "Microsoft Exchange Server Auth Certificate");
  const long long end = auth->info.not_after_unix;
  REQUIRE(findings_of(s, end - 90 * 86400).empty());
  REQUIRE_FALSE(has(findings_of(s, end - 90 * 86400), "R11", Severity::warning, "Auth"));
  REQUIRE(has(findings_of(s, end - 30 * 86400), "R11", Severity::warning, "below 60 days"));
  REQUIRE(has(findings_of(s, end + 1), "R11", Severity::failure, "expired"));
  // Stage the server's other certificate (5 years, ends a month later) as next: it has less
  // than 120 days left then, so the warning stays; one with more silences it.
  s.auth[0].next = s.certificates[1].thumbprint;
  REQUIRE(has(findings_of(s, end - 30 * 86400), "R11", Severity::warning, "below 60 days"));
  s.certificates[1].info.not_after_unix = end + 400 * 86400;
  REQUIRE_FALSE(has(findings_of(s, end - 30 * 86400), "R11", Severity::warning, "below 60 days"));
  // A next certificate that is not on the server is said.
  s.auth[0].next = "00112233445566778899AABBCCDDEEFF00112233";
  REQUIRE(has(findings_of(s, end - 30 * 86400), "R11", Severity::warning, "next Auth certificate"));
}

TEST_CASE("E16/E19: the bindings name certificates not on the server; vdirs, connectors, servers", "[exports]") {
  const auto e19 = state_of({k_e19 + "GetExchangeCertificate.xml", k_e19 + "IIS/GetWebBinding.xml",
                             k_e19 + "GetOwaVirtualDirectory.xml", k_e19 + "GetWebServicesVirtualDirectory.xml",
                             k_e19 + "GetReceiveConnector.xml", k_e19 + "GetSendConnector.xml",
                             k_e19 + "GetExchangeServer.xml", k_e19 + "GetAcceptedDomain.xml", k_e19 + "GetAuthConfig.xml"});
  REQUIRE(e19.servers == std::vector<std::string>{"SOLO-E19A"});
  REQUIRE(e19.accepted_domains.front() == "Solo.com");
  const auto https = std::count_if(e19.bindings.begin(), e19.bindings.end(), [](const auto& b) { return b.protocol == "https"; });
  REQUIRE(https == 3);
  const auto& b444 = *std::find_if(e19.bindings.begin(), e19.bindings.end(), [](const auto& b) { return b.port == 444; });
  REQUIRE(b444.site == "Exchange Back End");
  REQUIRE(b444.thumbprint == "12FD38FA8F58C8A74B3039962882DEFE4199D453");
  REQUIRE(e19.find(b444.thumbprint) == nullptr);
  REQUIRE(e19.vdirs.size() == 2);
  REQUIRE(e19.vdirs[0].kind == "owa");
  REQUIRE(e19.vdirs[0].internal_url == "https://solo-e19a.solo.com/owa");
  REQUIRE(e19.vdirs[1].kind == "ews");
  const auto f = findings_of(e19, k_2022_06_01, {"mail.solo.com"});
  REQUIRE(has(f, "installed", Severity::failure, "Exchange Back End https *:444:: bound to certificate 12FD38FA"));
  REQUIRE(has(f, "installed", Severity::failure, "which is not on the server"));
  REQUIRE(has(f, "installed", Severity::warning, "solo-e19a.solo.com is none of the plan's namespaces"));
  REQUIRE(has(f, "installed", Severity::failure, "send connector Mail to O365: TlsCertificateName <I>CN=localhost<S>CN=localhost"));
  // E19's Auth certificate is on the server and valid in 2022.
  REQUIRE_FALSE(has(f, "R11", Severity::failure, ""));
  // Connectors with no TlsCertificateName say nothing.
  const auto empty = state_of({k_variants + "GetExchangeCertificate.xml", k_variants + "GetReceiveConnectorEmptyTlsCertificateName.xml"});
  REQUIRE(!empty.connectors.empty());
  REQUIRE(std::all_of(empty.connectors.begin(), empty.connectors.end(), [](const auto& c) { return c.tls_subject.empty(); }));
  REQUIRE_FALSE(has(findings_of(empty, k_2022_06_01), "installed", Severity::failure, "TlsCertificateName"));

  // A binding to a certificate that is on the server: resolved, and audited as IIS.
  auto fixed = e19;
  for (auto& b : fixed.bindings) {
    if (b.protocol == "https") {
      b.thumbprint = fixed.certificates[1].thumbprint; // CN=Solo-E19A, SANs Solo-E19A, Solo-E19A.Solo.com
    }
  }
  const auto g = findings_of(fixed, k_2022_06_01);
  REQUIRE_FALSE(has(g, "installed", Severity::failure, "not on the server"));
  REQUIRE_FALSE(has(g, "installed", Severity::warning, "InternalUrl"));    // solo-e19a.solo.com is covered
  REQUIRE(has(findings_of(fixed, fixed.certificates[1].info.not_after_unix + 1), "installed", Severity::failure, "expired on"));
  const auto certs = audit_certificates(fixed, test::topo(test::k_consolidated));
  REQUIRE(certs.size() == 3);
  REQUIRE(std::find(certs[1].services.begin(), certs[1].services.end(), "iis") != certs[1].services.end());
  REQUIRE(std::find(certs[1].services.begin(), certs[1].services.end(), "smtp") != certs[1].services.end());
  REQUIRE(certs[2].services.empty()); // WMSvc
  // Without the 444 binding the back end is unreachable.
  auto no444 = fixed;
  no444.bindings.erase(std::remove_if(no444.bindings.begin(), no444.bindings.end(), [](const auto& b) { return b.port == 444; }),
                       no444.bindings.end());
  REQUIRE(has(findings_of(no444, k_2022_06_01), "installed", Severity::failure, "no https binding on port 444"));
}

TEST_CASE("ConvertTo-Json: \\/Date(ms)\\/, numeric and named enums, RawData as base64 or bytes", "[exports]") {
  const auto e16 = state_of({k_e16 + "GetExchangeCertificate.xml"});
  const auto& der = e16.certificates[1].der;
  std::string bytes = "[";
  for (std::size_t i = 0; i < der.size(); ++i) {
    bytes += (i ? "," : "") + std::to_string(static_cast<unsigned char>(der[i]));
  }
  bytes += "]";
  static const char k_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string b64;
  for (std::size_t i = 0; i < der.size(); i += 3) {
    const auto c0 = static_cast<unsigned char>(der[i]);
    const unsigned c1 = i + 1 < der.size() ? static_cast<unsigned char>(der[i + 1]) : 0;
    const unsigned c2 = i + 2 < der.size() ? static_cast<unsigned char>(der[i + 2]) : 0;
    const unsigned v = (static_cast<unsigned>(c0) << 16) | (c1 << 8) | c2;
    b64 += k_b64[(v >> 18) & 63];
    b64 += k_b64[(v >> 12) & 63];
    b64 += i + 1 < der.size() ? k_b64[(v >> 6) & 63] : '=';
    b64 += i + 2 < der.size() ? k_b64[v & 63] : '=';
  }
  const std::string json = "[{\"RawData\": " + bytes + ", \"Services\": 27, \"Status\": 1, \"IsSelfSigned\": true},"
                           " {\"RawData\": \"" + b64 + "\", \"Services\": \"IMAP, POP, IIS, SMTP\", \"Status\": \"Valid\"},"
                           " {\"CurrentCertificateThumbprint\": \"" + e16.certificates[1].thumbprint +
                           "\", \"NextCertificateThumbprint\": \"\", \"NextCertificateEffectiveDate\": \"\\/Date(1700000000000)\\/\"}]";
  InstalledState s;
  add_objects(s, read_ps_json(json, "j.json"), "j.json");
  REQUIRE(s.certificates.size() == 1); // the same certificate twice is one
  REQUIRE(s.certificates[0].thumbprint == e16.certificates[1].thumbprint);
  REQUIRE(s.certificates[0].blob->services == 27u);
  REQUIRE(s.certificates[0].blob->status == 1);
  REQUIRE(s.auth.size() == 1);
  REQUIRE(s.auth[0].next_effective == 1700000000LL);
  InstalledState t;
  add_objects(t, read_ps_json("[{\"RawData\": \"" + b64 + "\", \"Services\": \"IMAP, POP, IIS, SMTP\", \"Status\": \"Valid\"}]", "j"), "j");
  REQUIRE(t.certificates.at(0).blob->services == 27u);
  REQUIRE(t.certificates.at(0).blob->status == 1);
  // PowerShell 7 writes ISO dates with an offset.
  InstalledState u;
  add_objects(u, read_ps_json(R"({"CurrentCertificateThumbprint": "ab", "NextCertificateEffectiveDate": "2023-11-14T23:13:20.000+01:00"})", "j"), "j");
  REQUIRE(u.auth.at(0).next_effective == 1700000000LL); // 22:13:20Z
}

TEST_CASE("the blob reader: #sig# wrapper, and truncated or bit-flipped blobs never crash", "[exports]") {
  const std::string blob = blob_of(k_e16 + "GetExchangeCertificate.xml", 1);
  const auto plain = read_certificate_blob(blob);
  REQUIRE(plain);
  REQUIRE(plain->services == 27u);
  std::string sig = "#sig#";
  sig += std::string(32, '\x5A');
  REQUIRE(read_certificate_blob(sig + blob)->services == 27u);
  REQUIRE_FALSE(read_certificate_blob("#sig#garbage"));
  REQUIRE_FALSE(read_certificate_blob(""));
  // Every truncation.
  for (std::size_t n = 0; n < blob.size(); ++n) {
    const auto r = read_certificate_blob(blob.substr(0, n));
    if (r) {
      REQUIRE(n > 17);
    }
  }
  // Random byte flips, deterministic seed.
  std::mt19937 rng(16);
  std::size_t read = 0;
  for (int k = 0; k < 3000; ++k) {
    std::string b = blob;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < flips; ++i) {
      b[17 + rng() % (b.size() - 17)] = static_cast<char>(rng() & 0xFF);
    }
    read += read_certificate_blob(b) ? 1 : 0;
  }
  REQUIRE(read < 3000); // some flips must break it
}
