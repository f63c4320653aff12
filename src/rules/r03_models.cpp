// R3: the topology models, and what each implies.
#include "rules/rule.hpp"

namespace certplan::rules {

extern const RuleDef r03;

namespace {

void on_topology(const TopologyFacts& t, Verdicts& v) {
  // From Exchange 2013 the front end proxies to the mailbox's site, and the unbound single
  // namespace is the Preferred Architecture; the white paper's warning is for 2007 and 2010.
  const auto& o = t.topology.organization;
  if (o.model == Model::multisite_single_namespace && o.exchange < ExchangeVersion::v2013) {
    add(v, r03, Severity::warning,
        "The white paper recommends against one namespace over several internet-facing sites before Exchange 2013: "
        "ActiveSync does not follow redirection. Prefer the regional model, or clear ExternalURL on the virtual "
        "directories so that the other sites proxy.");
  }
}

// The same, from each ActiveSync client's side.
void for_client(const ClientFacts& f, Verdicts& v) {
  const auto& o = f.topology.organization;
  if (o.model == Model::multisite_single_namespace && o.exchange < ExchangeVersion::v2013 &&
      f.client.uses_service(Service::activesync)) {
    add(v, r03, Severity::warning,
        "ActiveSync does not follow redirection: a device that lands in another site than its mailbox fails (white "
        "paper); use the regional model or clear ExternalURL on the other sites' virtual directories");
  }
}

} // namespace

extern const RuleDef r03{
    .info = {.id = "R3",
             .title = "Topology models",
             .text = "consolidated, proxy-sites, multisite-single-namespace, regional, multi-forest, hosted. One "
                     "namespace over several internet-facing sites is warned about for Exchange 2007/2010 only "
                     "(ActiveSync does not follow redirection); from Exchange 2013 the front end proxies to the "
                     "active mailbox copy in any site and the unbound single namespace is Microsoft's preferred "
                     "architecture.",
             .sources = {"seed 004, the five topology models", "Microsoft, \"The Exchange 2019 Preferred Architecture\"",
                         "seeds 000 and 002 (hosted)"},
             .effective = {},
             .applies_to = {RuleTarget::topology}},
    .on_topology = on_topology,
    .for_client = for_client,
};

} // namespace certplan::rules
