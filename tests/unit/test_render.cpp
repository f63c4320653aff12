// Renderers: cli.md's JSON keys, and byte-identical output for the same input.
#include "support.hpp"

#include <certplan/audit.hpp>
#include <certplan/render.hpp>

#include "render/chunks.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <sstream>
#include <stdexcept>

TEST_CASE("plan JSON has the schema and the keys of cli.md", "[render][json]") {
  const auto p = test::plan(std::string(test::k_consolidated) + "[clients]\nsupported = [\"windows-mobile-5\"]\n");
  const auto j = nlohmann::json::parse(certplan::render_plan(p, certplan::Format::json));
  REQUIRE(j["schema"] == "certplan.plan/1");
  REQUIRE(j["namespaces"][0]["fqdn"] == "mail.contoso.com");
  REQUIRE(j["namespaces"][0]["scope"] == "external");
  REQUIRE(j["namespaces"][0]["site"] == "NewYork");
  REQUIRE(j["namespaces"][0]["services"].is_array());
  REQUIRE(j["certificates"][0]["subject"]["cn"] == "mail.contoso.com");
  REQUIRE(j["certificates"][0]["sans"][1] == "autodiscover.contoso.com");
  REQUIRE(j["certificates"][0]["kind"] == "san");
  REQUIRE(j["dns_records"][0].contains("zone"));
  REQUIRE(j["dns_records"][0].contains("view"));
  REQUIRE(j["warnings"][0].contains("rule"));
  REQUIRE(j["warnings"][0].contains("message"));
  REQUIRE(certplan::render_plan(p, certplan::Format::json).starts_with("{\n  \"schema\""));
}

TEST_CASE("the same topology renders byte-identically", "[render]") {
  for (const auto f : {certplan::Format::text, certplan::Format::json, certplan::Format::markdown}) {
    REQUIRE(certplan::render_plan(test::plan(test::k_consolidated), f) ==
            certplan::render_plan(test::plan(test::k_consolidated), f));
  }
}

TEST_CASE("markdown escapes pipes and uses tables", "[render][markdown]") {
  const auto md = certplan::render_plan(test::plan(test::k_consolidated), certplan::Format::markdown);
  REQUIRE(md.starts_with("# Certificate plan: Contoso\n"));
  REQUIRE(md.find("| fqdn | scope |") != std::string::npos);
  REQUIRE(md.find("```powershell") != std::string::npos);
}

TEST_CASE("an input error's line is quoted with a caret under its column", "[render]") {
  using certplan::render_source_excerpt;
  using certplan::SourcePos;
  CHECK(render_source_excerpt(SourcePos{"t.toml", 2, 14}, "[organization") ==
        " 2 | [organization\n   |              ^\n");
  // Columns count characters, not bytes: the caret sits under the 'x' after two 2-byte letters.
  CHECK(render_source_excerpt(SourcePos{"t.toml", 10, 4}, "\xc3\xa9\xc3\xa9 x") == " 10 | \xc3\xa9\xc3\xa9 x\n    |    ^\n");
  // A terminal is never sent the file's control sequences; a tab stays one column.
  CHECK(render_source_excerpt(SourcePos{"t.toml", 1, 3}, "\x1b[2J\tx") == " 1 | ?[2J x\n   |   ^\n");
  // No position, or not text: nothing.
  CHECK(render_source_excerpt(SourcePos{"t.toml", 0, 0}, "x").empty());
  CHECK(render_source_excerpt(SourcePos{"t.toml", 1, 1}, std::string_view("a\0b", 3)).empty());
}

TEST_CASE("a streamed plan is the rendered plan, and compact JSON the same document", "[render][json]") {
  const auto p = test::plan(test::k_consolidated);
  for (const auto f : {certplan::Format::text, certplan::Format::json, certplan::Format::markdown}) {
    std::ostringstream out;
    certplan::write_plan(out, p, f);
    REQUIRE(out.str() == certplan::render_plan(p, f));
  }
  std::ostringstream compact;
  certplan::write_plan(compact, p, certplan::Format::json, certplan::JsonStyle::compact);
  REQUIRE(compact.str().find("\n") == compact.str().size() - 1); // one line
  REQUIRE(compact.str().starts_with("{\"schema\":\"certplan.plan/1\","));
  REQUIRE(nlohmann::ordered_json::parse(compact.str()) ==
          nlohmann::ordered_json::parse(certplan::render_plan(p, certplan::Format::json)));
}

TEST_CASE("match renders a line per host, or certplan.match/1", "[render][match]") {
  const certplan::MatchReport report =
      certplan::match_hosts("leaf.pem", {{"mail.contoso.com"}, {}, "mail.contoso.com"}, {"mail.contoso.com", "x.contoso.com"},
                            nullptr);
  const std::string text = certplan::render_match(report, certplan::Format::text);
  REQUIRE(text.starts_with("leaf.pem (mail.contoso.com), profile strict RFC 9525 (R17)\n"));
  REQUIRE(text.find("covered      mail.contoso.com  R17: ") != std::string::npos);
  REQUIRE(text.find("NOT covered  x.contoso.com  R17: ") != std::string::npos);
  const auto j = nlohmann::json::parse(certplan::render_match(report, certplan::Format::json));
  REQUIRE(j["schema"] == "certplan.match/1");
  REQUIRE(j["results"].size() == 2);
  REQUIRE(j["results"][1]["covered"] == false);
  REQUIRE(j["results"][1]["reason"].get<std::string>().starts_with("R17: "));
}

TEST_CASE("expiry formats are an enum: every name maps, anything else is refused", "[render][expiry]") {
  using certplan::ExpiryFormat;
  for (const auto& [name, format] : std::vector<std::pair<std::string, ExpiryFormat>>{
           {"text", ExpiryFormat::text},     {"markdown", ExpiryFormat::markdown},     {"json", ExpiryFormat::json},
           {"csv", ExpiryFormat::csv},       {"prometheus", ExpiryFormat::prometheus}, {"ics", ExpiryFormat::ics},
           {"nagios", ExpiryFormat::nagios}}) {
    REQUIRE(certplan::expiry_format_from_string(name) == format);
  }
  REQUIRE_FALSE(certplan::expiry_format_from_string("yaml").has_value());
  REQUIRE_FALSE(certplan::expiry_format_from_string("TEXT").has_value());
  REQUIRE(certplan::expiry_format_shows_sans(ExpiryFormat::json));
  REQUIRE(certplan::expiry_format_shows_sans(ExpiryFormat::csv));
  REQUIRE_FALSE(certplan::expiry_format_shows_sans(ExpiryFormat::text));
}

TEST_CASE("expiry JSON is byte for byte what nlohmann's dump(2) makes of it", "[render][expiry][json]") {
  // The certificates' objects are written by hand (issue 18); nlohmann, re-dumping its own
  // parse of the output, is the judge of every byte: escapes, UTF-8, empty lists, numbers.
  const auto spill = certplan::make_file_spill();
  certplan::ExpiryReport report(*spill, 1780272000 /* 2026-06-01 */, certplan::parse_threshold("30"),
                                certplan::parse_threshold("7"));
  const auto cert = [](const std::string& cn, char fp, long long not_after) {
    certplan::CertificateInfo c;
    c.subject_cn = cn;
    c.issuer = "Issuer \"Q\" \\ CA";
    c.serial = "0A";
    c.not_before_unix = not_after - 90 * 86400;
    c.not_after_unix = not_after;
    c.sha256_fingerprint = std::string(32 * 3 - 1, ':');
    for (std::size_t i = 0; i < c.sha256_fingerprint.size(); i += 3) {
      c.sha256_fingerprint[i] = fp;
      c.sha256_fingerprint[i + 1] = '0';
    }
    return c;
  };
  auto a = cert("mail.contoso.com", 'A', 1790000000);
  a.dns_sans = {"mail.contoso.com", "autodiscover.contoso.com"};
  auto b = cert("caf\xc3\xa9\ttab\x01 \"quoted\"", 'B', 1781000000); // UTF-8, a tab, a control character
  auto c = cert("", 'C', 1700000000);                                  // expired, no CN, no SANs
  c.dns_sans = {"back\\slash.example", "\x7f"};
  report.add(0, "/certs/a.pem", a);
  report.add(1, "/certs/b.pem", b, "a note with \"quotes\"");
  report.add(2, "/certs/c.der", c);
  report.add(3, "/other/a copy.pem", a); // the same certificate again: two sources
  report.finish();
  std::ostringstream out;
  certplan::render_expiry(report, certplan::ExpiryFormat::json, out);
  const std::string text = out.str();
  const auto parsed = nlohmann::ordered_json::parse(text);
  CHECK(text == parsed.dump(2) + "\n");
  REQUIRE(parsed["certificates"].size() == 3);
  CHECK(parsed["certificates"][0]["subject_cn"] == "");
  CHECK(parsed["certificates"][0]["sans"] == nlohmann::json::array({"back\\slash.example", "\x7f"}));
  CHECK(parsed["certificates"][1]["subject_cn"] == b.subject_cn);
  CHECK(parsed["certificates"][1]["note"] == "a note with \"quotes\"");
  CHECK(parsed["certificates"][2]["sources"] == nlohmann::json::array({"/certs/a.pem", "/other/a copy.pem"}));
  CHECK(parsed["certificates"][2]["days_left"] > 0);

  // Bytes that are not UTF-8 are refused as nlohmann refuses them.
  const auto bad_spill = certplan::make_file_spill();
  certplan::ExpiryReport bad(*bad_spill, 1780272000, certplan::parse_threshold("30"), certplan::parse_threshold("7"));
  bad.add(0, "/certs/bad.pem", cert("bad\xff", 'D', 1790000000));
  bad.finish();
  std::ostringstream sink;
  CHECK_THROWS_AS(certplan::render_expiry(bad, certplan::ExpiryFormat::json, sink), nlohmann::json::type_error);
}

namespace {

certplan::CertificateInfo fields_cert(const std::string& cn, int n, long long not_after) {
  certplan::CertificateInfo c;
  c.subject_cn = cn;
  c.issuer = "Issuer " + std::to_string(n % 3);
  c.serial = fmt::format("{:02X}", n);
  c.not_before_unix = not_after - (n % 2 == 0 ? 90 : 398) * 86400LL;
  c.not_after_unix = not_after;
  c.dns_sans = {cn, "www." + cn};
  c.ip_sans = n % 4 == 0 ? std::vector<std::string>{"192.0.2.1"} : std::vector<std::string>{};
  c.sha256_fingerprint = fmt::format("{:02X}:{:02X}", n % 256, n / 256); // unique for n below 65,536
  for (int i = 2; i < 32; ++i) {
    c.sha256_fingerprint += fmt::format(":{:02X}", (n * 7 + i) % 256);
  }
  return c;
}

// Every field for_each fills in, as text, so that two reads compare whole.
std::string entry_text(const certplan::ExpiryEntry& e) {
  return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", fmt::join(e.sources, ","), e.cert.subject_cn,
                     e.cert.issuer, e.cert.serial, fmt::join(e.cert.dns_sans, ","), fmt::join(e.cert.ip_sans, ","),
                     e.cert.not_before, e.cert.not_after, e.cert.not_before_unix, e.cert.not_after_unix,
                     e.cert.sha256_fingerprint, e.cert.self_signed, e.cert.is_ca, e.days_left, to_string(e.status), e.renew_by,
                     e.max_validity_on_renewal, e.note, e.warn_days, e.crit_days);
}

} // namespace

TEST_CASE("expiry for_each: the fields asked for are the full read's, the others empty, mapped or not", "[render][expiry]") {
  // The tables read back fewer fields than JSON (ExpiryFields, issue 18), from a mapped spill
  // by a view of it; the full read through pread is the reference for both.
  const auto fill = [](certplan::ExpiryReport& report) {
    for (int n = 0; n < 300; ++n) {
      // Every seventh certificate found twice (merged, with both notes); many share a notAfter.
      const long long not_after = 1780272000 + (n % 40) * 86400LL;
      const auto c = fields_cert(fmt::format("host{}.example", n), n, not_after);
      report.add(static_cast<std::uint64_t>(n) * 2, fmt::format("/certs/{}.pem", n), c, n % 5 == 0 ? "a note" : "");
      if (n % 7 == 0) {
        report.add(static_cast<std::uint64_t>(n) * 2 + 1, fmt::format("/copies/{}.pem", n), c, n % 3 == 0 ? "copy note" : "",
                   n % 14 == 0);
      }
    }
    report.finish();
  };
  const auto unmapped = certplan::make_file_spill(0);
  certplan::ExpiryReport reference(*unmapped, 1780272000, certplan::parse_threshold("30"), certplan::parse_threshold("7"));
  fill(reference);
  const auto mapped_spill = certplan::make_file_spill();
  certplan::ExpiryReport mapped(*mapped_spill, 1780272000, certplan::parse_threshold("30"), certplan::parse_threshold("7"));
  fill(mapped);
  REQUIRE(reference.size() == 300);
  REQUIRE(mapped.size() == 300);
  std::vector<certplan::ExpiryEntry> full;
  reference.for_each([&](const certplan::ExpiryEntry& e) { full.push_back(e); });
  // notAfter order, then the fingerprint's (the merged ones carry both sources).
  for (std::size_t i = 1; i < full.size(); ++i) {
    CAPTURE(i);
    REQUIRE(std::pair(full[i - 1].cert.not_after_unix, full[i - 1].cert.sha256_fingerprint) <
            std::pair(full[i].cert.not_after_unix, full[i].cert.sha256_fingerprint));
  }
  REQUIRE(std::count_if(full.begin(), full.end(), [](const auto& e) { return e.sources.size() == 2; }) == 43);
  for (const bool sans : {false, true}) {
    for (const bool serial : {false, true}) {
      for (const bool not_before : {false, true}) {
        for (const bool fingerprint : {false, true}) {
          const certplan::ExpiryFields fields{.sans = sans, .serial = serial, .not_before = not_before, .fingerprint = fingerprint};
          for (const certplan::ExpiryReport* report : {&reference, &mapped}) {
            CAPTURE(sans, serial, not_before, fingerprint, report == &mapped);
            std::size_t i = 0;
            report->for_each(
                0, report->size(),
                [&](const certplan::ExpiryEntry& e) {
                  certplan::ExpiryEntry want = full[i++];
                  if (!sans) {
                    want.cert.dns_sans.clear();
                    want.cert.ip_sans.clear();
                  }
                  if (!serial) {
                    want.cert.serial.clear();
                  }
                  if (!not_before) {
                    want.cert.not_before.clear();
                  }
                  if (!fingerprint) {
                    want.cert.sha256_fingerprint.clear();
                  }
                  REQUIRE(entry_text(e) == entry_text(want));
                },
                fields);
            REQUIRE(i == full.size());
          }
        }
      }
    }
  }
}

TEST_CASE("render_in_order writes the chunks in order, in_parallel covers every item once", "[render][chunks]") {
  // Expiry and plan share this pool; expiry's chunks are 128 rows, the plan's 1,000 tenants.
  for (const std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{127}, std::size_t{128}, std::size_t{129},
                                  std::size_t{5000}}) {
    for (const std::size_t per_chunk : {std::size_t{1}, std::size_t{7}, certplan::k_certificates_per_chunk}) {
      CAPTURE(count, per_chunk);
      std::string serial;
      for (std::size_t i = 0; i < count; ++i) {
        serial += std::to_string(i) + ',';
      }
      std::string written;
      std::size_t writes = 0;
      // Catch2 2 asserts on this thread only: the workers count what they saw wrong.
      std::atomic<int> wrong{0};
      certplan::render_in_order(
          count,
          [&](std::size_t from, std::size_t to, std::string& text) {
            wrong += text.empty() ? 0 : 1;
            for (std::size_t i = from; i < to; ++i) {
              text += std::to_string(i) + ',';
            }
          },
          [&](std::string_view text) {
            written += text;
            ++writes;
          },
          per_chunk);
      REQUIRE(written == serial);
      REQUIRE(wrong == 0);
      REQUIRE(writes == (count + per_chunk - 1) / per_chunk);
      std::vector<std::atomic<int>> seen(count);
      certplan::in_parallel(
          count,
          [&](std::size_t from, std::size_t to) {
            wrong += to - from <= per_chunk ? 0 : 1;
            for (std::size_t i = from; i < to; ++i) {
              ++seen[i];
            }
          },
          per_chunk);
      REQUIRE(std::all_of(seen.begin(), seen.end(), [](const std::atomic<int>& n) { return n.load() == 1; }));
      REQUIRE(wrong == 0);
    }
  }
  // A chunk that throws stops the run, and its exception reaches the caller.
  std::string written;
  REQUIRE_THROWS_AS(certplan::render_in_order(
                        1000,
                        [](std::size_t from, std::size_t, std::string& text) {
                          if (from == 500) {
                            throw std::runtime_error("chunk 500");
                          }
                          text += 'x';
                        },
                        [&](std::string_view text) { written += text; }, 10),
                    std::runtime_error);
  REQUIRE(written.size() <= 50); // chunks 0-49 at most: chunk 50 never comes, and order holds
}

namespace {

// Results in an order that tests the matrix: rows and clients in the order first met, a row
// met again later, a cell given twice (the later wins), cells no result fills ("-"), a cell
// with no certificate (JSON null) and text that JSON must escape.
certplan::Audit matrix_audit() {
  using certplan::Severity;
  certplan::Audit a;
  const auto result = [&](std::string e, std::string s, std::string c, Severity v, std::string cert,
                          std::vector<std::string> reasons) {
    a.results.push_back({std::move(e), std::move(s), std::move(c), v, std::move(cert), std::move(reasons), {}});
  };
  result("mail.x.com", "iis", "client-a", Severity::info, "AA:01", {});
  result("mail.x.com", "iis", "client-b", Severity::failure, "AA:01", {"R17 failure: does not cover \"mail\"\tx"});
  result("smtp.x.com", "smtp", "client-b", Severity::warning, "", {"R5 warning: caf\u00e9"});
  result("mail.x.com", "iis", "client-a", Severity::warning, "AA:02", {});
  result("mail.x.com", "pop", "client-a", Severity::info, "AA:01", {});
  a.findings.push_back({"R13", Severity::warning, "a note", ""});
  return a;
}

} // namespace

TEST_CASE("audit matrix: rows and clients in the order met, the later result of a cell, '-' where none", "[render]") {
  const auto a = matrix_audit();
  const std::string text = certplan::render_audit(a, {}, certplan::Format::text);
  std::istringstream in(text);
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string x; words >> x;) {
      w.push_back(x);
    }
    if (!w.empty() && (w[0] == "endpoint" || w[0].ends_with(".x.com"))) {
      rows.push_back(w);
    }
  }
  REQUIRE(rows.size() == 4);
  CHECK(rows[0] == std::vector<std::string>{"endpoint", "service", "client-a", "client-b"});
  CHECK(rows[1] == std::vector<std::string>{"mail.x.com", "iis", "!", "\u2717"});
  CHECK(rows[2] == std::vector<std::string>{"smtp.x.com", "smtp", "-", "!"});
  CHECK(rows[3] == std::vector<std::string>{"mail.x.com", "pop", "\u2713", "-"});
  CHECK(text.ends_with("\n2 ok, 2 warning, 1 fail\n"));
}

TEST_CASE("audit JSON: the bytes of nlohmann's dump(2) of the same document", "[render]") {
  const auto a = matrix_audit();
  std::vector<certplan::AuditResult> regressions{a.results[1]};
  // The document as render_audit built it as a tree before it was streamed (issue 18).
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  for (const auto& r : a.results) {
    results.push_back({{"endpoint", r.endpoint},
                       {"service", r.service},
                       {"client", r.client},
                       {"status", r.status == certplan::Severity::info      ? "ok"
                                  : r.status == certplan::Severity::warning ? "warning"
                                                                            : "fail"},
                       {"certificate", r.certificate.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.certificate)},
                       {"reasons", r.reasons}});
  }
  nlohmann::ordered_json findings = nlohmann::ordered_json::array();
  for (const auto& x : a.findings) {
    findings.push_back({{"rule", x.rule}, {"severity", certplan::to_string(x.severity)}, {"message", x.message}});
  }
  nlohmann::ordered_json regress = nlohmann::ordered_json::array();
  for (const auto& r : regressions) {
    regress.push_back({{"endpoint", r.endpoint}, {"service", r.service}, {"client", r.client}, {"reasons", r.reasons}});
  }
  const nlohmann::ordered_json j{{"schema", "certplan.audit/1"},
                                 {"results", std::move(results)},
                                 {"findings", std::move(findings)},
                                 {"renewal_regressions", std::move(regress)},
                                 {"summary", {{"ok", 2}, {"warning", 2}, {"fail", 1}}}};
  CHECK(certplan::render_audit(a, regressions, certplan::Format::json) == j.dump(2) + "\n");
  // Empty arrays, as dump(2) writes them.
  const certplan::Audit empty;
  CHECK(certplan::render_audit(empty, {}, certplan::Format::json) ==
        nlohmann::ordered_json{{"schema", "certplan.audit/1"},
                               {"results", nlohmann::ordered_json::array()},
                               {"findings", nlohmann::ordered_json::array()},
                               {"renewal_regressions", nlohmann::ordered_json::array()},
                               {"summary", {{"ok", 0}, {"warning", 0}, {"fail", 0}}}}
                .dump(2) + "\n");
}
