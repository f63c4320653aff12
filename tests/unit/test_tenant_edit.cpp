// The fast readings of `tenant add|remove` (issue 18: parse_appended_tenant, cut_tenant) against
// their oracle, parse_topology of the edited text whole: the same tenants (positions included)
// and the same plan, or no fast reading at all where it could differ.
#include "support.hpp"

#include <certplan/clients.hpp>
#include <certplan/error.hpp>
#include <certplan/load.hpp>
#include <certplan/plan.hpp>
#include <certplan/render.hpp>

#include <fmt/format.h>

#include <string>
#include <vector>

namespace {

using certplan::Topology;

const certplan::ClientCatalog& catalog() { return certplan::ClientCatalog::builtin(); }

Topology parse(std::string_view text) { return certplan::parse_topology(text, "t.toml", catalog()); }

const std::string k_head = std::string("# a hoster's file\n") + test::k_hosted_provider +
                           "\n[hosting]\nprovider_domain = \"provider.com\"\nautodiscover = \"redirect\"\n"
                           "webmail_redirect_host = \"webmail.provider.com\"\n";

// `n` tenants written as a hand-kept file has them: comments, blank lines, multi-line arrays
// with comments inside, a table without a blank line above it.
std::string tenants(std::size_t n, std::string_view eol = "\n") {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    switch (i % 4) {
    case 0:
      out += fmt::format("\n[[tenant]]\nname = \"T{0}\"\ndomains = [\"t{0}.com\", \"t{0}.net\"]\nwebmail = \"webmail.t{0}.com\"\n", i);
      break;
    case 1:
      out += fmt::format("\n# tenant {0}, moved from the old platform\n[[tenant]]\nname = \"T{0}\"\ndomains = [\n  \"t{0}.com\", # primary\n  # \"old{0}.com\",\n]\n\n# trailing note\n", i);
      break;
    case 2:
      out += fmt::format("[[tenant]]\nname = \"T{0}\"\ndomains = [\"t{0}.com\"]\n\n\n", i);
      break;
    default:
      out += fmt::format("\n  [[tenant]]   # indented\n  name = 'T{0}'\n  domains = [\"T{0}.COM.\"]\n", i);
      break;
    }
  }
  if (eol != "\n") {
    std::string crlf;
    for (const char c : out) {
      crlf += c == '\n' ? std::string(eol) : std::string(1, c);
    }
    out = crlf;
  }
  return out;
}

void require_same(const Topology& fast, const Topology& whole) {
  REQUIRE(fast.tenants.size() == whole.tenants.size());
  for (std::size_t i = 0; i < whole.tenants.size(); ++i) {
    const auto& a = fast.tenants[i];
    const auto& b = whole.tenants[i];
    INFO("tenant " << i << " " << b.name);
    REQUIRE(a.name == b.name);
    REQUIRE(a.domains.size() == b.domains.size());
    for (std::size_t j = 0; j < a.domains.size(); ++j) {
      REQUIRE(a.domains[j].ascii == b.domains[j].ascii);
      REQUIRE(a.domains[j].display == b.domains[j].display);
    }
    REQUIRE(a.webmail.has_value() == b.webmail.has_value());
    if (a.webmail) {
      REQUIRE(a.webmail->display == b.webmail->display);
    }
    REQUIRE(a.pos.to_string() == b.pos.to_string());
  }
  REQUIRE(fast.installed.size() == whole.installed.size());
  const auto json = certplan::Format::json;
  REQUIRE(certplan::render_plan(certplan::make_plan(fast, catalog()), json) ==
          certplan::render_plan(certplan::make_plan(whole, catalog()), json));
}

} // namespace

TEST_CASE("a tenant cut alone gives what the edited file gives whole, and tenant_block's range", "[tenant]") {
  // 600 tenants: past the loader's split (512), so `before` comes from the tenant chunks.
  for (const std::size_t n : {2U, 5U, 600U}) {
    for (const std::string_view eol : {"\n", "\r\n"}) {
      std::string text = k_head + tenants(n, eol);
      const Topology before = parse(text);
      REQUIRE(before.tenants.size() == n);
      std::vector<std::size_t> picks = {0, 1, n / 2, n - 2, n - 1};
      for (const std::size_t i : picks) {
        INFO("n " << n << " index " << i << (eol.size() == 2 ? " CRLF" : " LF"));
        const auto cut = certplan::cut_tenant(before, text, i, catalog());
        REQUIRE(cut.has_value()); // tenants last, each a [[tenant]] table: always read alone
        const auto [begin, end] = certplan::tenant_block(text, "t.toml", before.tenants[i].name);
        REQUIRE(cut->begin == begin);
        REQUIRE(cut->end == end);
        const std::string edited = text.substr(0, begin) + text.substr(end);
        require_same(cut->topology, parse(edited));
      }
    }
  }
}

TEST_CASE("a tenant cut is read whole where anything but tenants follows it", "[tenant]") {
  const std::string text = k_head + tenants(3) + "\n[[installed]]\nfile = \"a.pem\"\n";
  const Topology before = parse(text);
  REQUIRE_FALSE(certplan::cut_tenant(before, text, 1, catalog()).has_value());
  // A tenant array written as a static array is never cut alone.
  // (Top-level keys come before the first table header.)
  const std::string inline_array =
      "tenant = [{name = \"A\", domains = [\"a.com\"]}, {name = \"B\", domains = [\"b.com\"]}]\n" + k_head;
  const Topology before2 = parse(inline_array);
  REQUIRE(before2.tenants.size() == 2);
  REQUIRE_FALSE(certplan::cut_tenant(before2, inline_array, 0, catalog()).has_value());
  const std::string last_only = k_head + tenants(1);
  REQUIRE_FALSE(certplan::cut_tenant(parse(last_only), last_only, 0, catalog()).has_value()); // no tenant array left
}

TEST_CASE("a tenant appended alone gives what the edited file gives whole", "[tenant]") {
  for (const std::size_t n : {1U, 3U, 600U}) {
    for (const bool newline_at_end : {true, false}) {
      for (const std::string_view eol : {"\n", "\r\n"}) {
        std::string text = k_head + tenants(n, eol);
        if (!newline_at_end) {
          text += "# no line break after this comment";
        }
        const Topology before = parse(text);
        std::string appended = std::string(newline_at_end ? "" : "\n") +
                               "\n[[tenant]]\nname = \"New\"\ndomains = [\"new.com\", \"Bücher.example\"]\nwebmail = \"webmail.new.com\"\n";
        if (eol != "\n") { // as add_tenant writes it: the file's own line ends
          std::string crlf;
          for (const char c : appended) {
            crlf += c == '\n' ? std::string(eol) : std::string(1, c);
          }
          appended = crlf;
        }
        INFO("n " << n << (newline_at_end ? "" : " without a final line break") << (eol.size() == 2 ? " CRLF" : " LF"));
        const auto added = certplan::parse_appended_tenant(before, text, appended, catalog());
        REQUIRE(added.has_value());
        Topology fast = before; // as add_tenant uses it: pushed onto the file's topology
        fast.tenants.push_back(*added);
        require_same(fast, parse(text + appended));
        REQUIRE(added->pos.line > before.tenants.back().pos.line);
      }
    }
  }
}

TEST_CASE("an appended tenant the loader would refuse is left to the whole parse", "[tenant]") {
  const std::string text = k_head + tenants(3);
  const Topology before = parse(text);
  const auto appended = [&](std::string_view body) {
    return certplan::parse_appended_tenant(before, text, fmt::format("\n[[tenant]]\n{}\n", body), catalog());
  };
  REQUIRE(appended("name = \"X\"\ndomains = [\"x.com\"]").has_value());
  // Each of these the whole parse refuses, with its position: the fast reading must not accept it.
  for (const std::string_view bad : {
           "name = \"T1\"\ndomains = [\"x.com\"]",                                  // a name used twice
           "name = \"X\"\ndomains = [\"t2.com\"]",                                  // another tenant's domain
           "name = \"X\"\ndomains = [\"provider.com\"]",                            // the provider's
           "name = \"X\"\ndomains = [\"x.com\"]\nwebmail = \"webmail.t0.com\"",     // another's webmail
           "name = \"X\"\ndomains = [\"x.com\", \"x.com\"]",                        // listed twice
           "name = \"X\"\ndomains = [\"x.com\"]\ncolour = \"red\"",                 // an unknown key
           "name = \"X\"\ndomains = [\"x.com\"]\n[tenant.sub]\na = 1",              // a sub-table
           "name = \"X\\u0007\"\ndomains = [\"x.com\"]",                            // a control character
       }) {
    INFO(bad);
    REQUIRE_FALSE(appended(bad).has_value());
    bool refused = false;
    try {
      parse(text + fmt::format("\n[[tenant]]\n{}\n", bad));
    } catch (const certplan::Error&) {
      refused = true;
    }
    REQUIRE(refused);
  }
  // Tenants given as a static array cannot be extended by a [[tenant]] table (TOML 1.0).
  const std::string inline_array = "tenant = [{name = \"A\", domains = [\"a.com\"]}]\n" + k_head;
  REQUIRE_FALSE(certplan::parse_appended_tenant(parse(inline_array), inline_array,
                                                "\n[[tenant]]\nname = \"X\"\ndomains = [\"x.com\"]\n", catalog())
                    .has_value());
}
