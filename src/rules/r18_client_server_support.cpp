// R18: clients and Exchange versions Microsoft supports together; version-specific commands.
#include "rules/rule.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace certplan::rules {

extern const RuleDef r18;

namespace {

void for_client(const ClientFacts& f, Verdicts& v) {
  const auto version = f.topology.organization.exchange;
  const auto& supported = f.client.exchange;
  if (std::find(supported.begin(), supported.end(), version) == supported.end()) {
    const auto it = f.client.sources.find("exchange");
    add(v, r18, Severity::warning,
        fmt::format("Microsoft's supportability matrix does not support {} with Exchange {}{}", f.client.name,
                    to_string(version), it == f.client.sources.end() ? "" : " (" + it->second + ")"));
  }
}

} // namespace

extern const RuleDef r18{
    .info = {.id = "R18",
             .title = "Client and server support",
             .text = "A client that Microsoft's supportability matrix does not support with the topology's Exchange "
                     "version is a warning naming the matrix (Outlook 2007 and 2010 with Exchange 2019 and SE; "
                     "Outlook 2007 with 2016). Exchange 2013 and later commands replace the 2007/2010 ones "
                     "(Set-ClientAccessService for Set-ClientAccessServer).",
             .sources = {"Microsoft, \"Exchange Server supportability matrix\" (clients)",
                         "Microsoft, Set-ClientAccessService"},
             .effective = {},
             .applies_to = {RuleTarget::topology}},
    .for_client = for_client,
};

} // namespace certplan::rules
