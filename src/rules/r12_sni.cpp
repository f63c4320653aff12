// R12: one certificate per IP:port for a client without SNI.
#include "rules/rule.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace certplan::rules {

// The check itself is the serving model (serving.cpp): which certificate a client meets at an
// address, with or without SNI, and whether the server can select by SNI at all.
extern const RuleDef r12;

namespace {

void on_topology(const TopologyFacts& t, Verdicts& v) {
  const auto& topo = t.topology;
  if (!topo.hosting || topo.hosting->autodiscover != AutodiscoverMethod::redirect) {
    return;
  }
  // Seed 000 and the white paper's "Using Redirection": the redirect site listens on a second
  // address where nothing answers 443 (clients try https://autodiscover.<tenant> first).
  const auto facing = std::find_if(topo.sites.begin(), topo.sites.end(), [](const Site& s) { return s.internet_facing; });
  const Site& site = facing == topo.sites.end() ? topo.sites.front() : *facing;
  const bool has_second = std::any_of(site.servers.begin(), site.servers.end(),
                                      [](const Server& s) { return !s.secondary_ip.empty(); });
  if (!has_second) {
    add(v, r12, Severity::warning,
        fmt::format("The autodiscover redirect site needs its own IP address with nothing on port 443 (clients try "
                    "https://autodiscover.<tenant> first); give a client-access server of site {} a secondary_ip",
                    site.name));
  }
}

} // namespace

extern const RuleDef r12{
    .info = {.id = "R12",
             .title = "One certificate per IP address without SNI",
             .text = "A client without SNI gets the certificate bound to the IP:port it connects to (or the default "
                     "of an SNI binding). With such a client supported, every further certificate on 443 needs its "
                     "own IP address and DNS must send each name to the address its certificate is on. The server "
                     "selects by SNI only on IIS 8 / Windows Server 2012 and later: never on Exchange 2007, on "
                     "Exchange 2010 only on Server 2012 or 2012 R2. A client whose SNI support is unverified is "
                     "judged both ways: at most a warning, and the plan buys no address for it.",
             .sources = {"seed 003 (two web sites, two IP addresses)", "seed 004, \"Using Redirection\"",
                         "Microsoft, \"IIS 8.0 Server Name Indication (SNI)\"", "RFC 6066 3"},
             .effective = {},
             .applies_to = {RuleTarget::planned_certificate, RuleTarget::dns_plan, RuleTarget::served_chain}},
    .on_topology = on_topology,
};

std::optional<Verdict> judge_sni_fallback(const SniFallback& f) {
  if (f.without == nullptr) {
    // Nothing answers without SNI: a client that surely sends SNI never meets the gap.
    return Verdict{r12.info.id, Severity::warning, fmt::format("{}; {}", f.who, f.nothing_met)};
  }
  if (f.sni == Tri::no && worst_of(*f.without) != Severity::info) {
    return Verdict{r12.info.id, Severity::failure,
                   fmt::format("{}: at {} it meets {}, {}", f.who, f.host, f.without_source, f.what)};
  }
  // UNVERIFIED SNI: judged both ways, at most a warning (the plan buys no address for it).
  if (f.sni == Tri::unknown && worst_of(*f.without) > worst_of(*f.with_sni)) {
    const auto* why = first_of(*f.without, worst_of(*f.without));
    return Verdict{r12.info.id, Severity::warning,
                   fmt::format("{}; without SNI it would meet {} at {}: {} {}", f.who, f.without_source, f.host, why->rule,
                               why->message)};
  }
  return std::nullopt;
}

Tri server_selects_by_sni(ExchangeVersion v) {
  switch (v) {
  case ExchangeVersion::v2007: return Tri::no;
  case ExchangeVersion::v2010: return Tri::unknown;
  default: return Tri::yes;
  }
}

std::string_view server_sni_assumption(ExchangeVersion v) {
  switch (v) {
  case ExchangeVersion::v2007: return "Exchange 2007 runs on IIS 6/7/7.5, which cannot select a certificate by SNI";
  case ExchangeVersion::v2010:
    return "Exchange 2010 selects by SNI only on Windows Server 2012/2012 R2 (IIS 8), which the topology does not say";
  default: return "Exchange 2013 and later run on IIS 8 or later, which selects by SNI";
  }
}

} // namespace certplan::rules
