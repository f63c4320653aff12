// R13: client profiles are data; what a CN-only client and a private CA mean for each client.
#include "rules/rule.hpp"

#include <fmt/format.h>

namespace certplan::rules {

extern const RuleDef r13;

namespace {

void at_endpoint(const Meeting& m, Verdicts& v) {
  const auto& leaf = m.certificate.leaf;
  const auto& client = m.client;
  const auto cov = name_coverage(m);
  if (!cov.covered && client.name_source == NameSource::cn_only &&
      !(client.wildcard == WildcardSupport::none && cov.covered_strict)) {
    add(v, r13, Severity::failure,
        fmt::format("{} reads only the CN ({}), which is not {}", client.id, leaf.subject_cn.empty() ? "none" : leaf.subject_cn, m.host));
  }
  if (leaf.self_signed) {
    return; // R15
  }
  switch (trust_of(m)) {
  case Trust::public_ca: return;
  case Trust::private_ca:
    // A private (enterprise) root: each device must hold it, whichever store certplan was given.
    if (client.private_ca == PrivateCa::no) {
      add(v, r13, Severity::failure, fmt::format("{} cannot trust a private (enterprise) CA", client.id));
    } else if (client.private_ca == PrivateCa::install) {
      add(v, r13, Severity::warning,
          fmt::format("{} trusts the enterprise CA only once its root certificate is installed on every device", client.id));
    }
    return;
  case Trust::untrusted: {
    const auto& status = m.certificate.chain.status;
    const bool missing_issuer = status.find("issuer not found") != std::string::npos;
    const std::string why =
        missing_issuer ? fmt::format("chain not trusted ({}): the server must send the intermediate CA certificate(s), "
                                     "or the root is not in the store given",
                                     status)
                       : fmt::format("chain not trusted ({})", status);
    if (missing_issuer && m.certificate.served) {
      add(v, r13, Severity::failure,
          fmt::format("chain not trusted ({}): the server does not send the intermediate CA certificate(s) its "
                      "certificate needs, or the root is not in the store given",
                      status));
    } else if (m.authority == Authority::public_) {
      // The plan promised a public CA, so no client configuration: a client that cannot be
      // given a root fails; the others would each need it installed.
      if (client.private_ca == PrivateCa::no) {
        add(v, r13, Severity::failure, fmt::format("{}; {} cannot add a root, and the plan promised a public CA", why, client.id));
      } else {
        add(v, r13, Severity::warning,
            fmt::format("{}; the plan promised a public CA: works only where this root is installed", why));
      }
    } else if (client.private_ca == PrivateCa::no) {
      add(v, r13, Severity::failure, fmt::format("{} and {} cannot add a private root", why, client.id));
    } else {
      add(v, r13, Severity::warning, fmt::format("{}: works only where the issuing root is installed", why));
    }
    return;
  }
  }
}

} // namespace

namespace {

// A live endpoint outside any profile: a chain that does not validate against the store given
// fails (a self-signed leaf is R15's).
void on_served(const ServedFacts& f, Verdicts& v) {
  if (!f.check_error.empty()) {
    add(v, r13, Severity::failure, fmt::format("the chain cannot be validated: {}", f.check_error));
    return;
  }
  if (f.chain.front().self_signed || !served_untrusted(f)) {
    return;
  }
  const auto& status = f.check->status;
  if (status.find("issuer not found") != std::string::npos) {
    add(v, r13, Severity::failure,
        fmt::format("incomplete chain: the issuer of {} is neither served nor trusted ({})", certificate_label(f.chain.back()),
                    status));
  } else {
    add(v, r13, Severity::failure, fmt::format("untrusted chain: {}", status));
  }
}

void on_topology(const TopologyFacts& t, Verdicts& v) {
  if (t.topology.clients.empty()) {
    add(v, r13, Severity::info, "No [clients] supported list: no client-specific check was made (see `certplan clients`)");
  }
}

} // namespace

extern const RuleDef r13{
    .info = {.id = "R13",
             .title = "Client profiles",
             .text = "Each client's profile (data/clients/*.toml, every claim with its source) states whether it "
                     "accepts wildcards, reads SANs or only the CN, checks the CN as Outlook Anywhere principal, "
                     "accepts private-CA and self-signed certificates, supports SHA-256, SNI and ECDSA, and how it "
                     "follows autodiscover. A client reading only the CN meets one name per certificate; a private "
                     "root must be installed on each device. A chain a server sends without the intermediates its "
                     "certificate needs fails every client: no root installed on a device makes up for it. unknown is not no: a verdict that depends on it shows "
                     "both outcomes and is at most a warning naming the unverified claim.",
             .sources = {"shared/spec/domain-research.md section 1 (client matrix)", "seed 004"},
             .effective = {},
             .applies_to = {RuleTarget::topology, RuleTarget::served_chain}},
    .at_endpoint = at_endpoint,
    .on_topology = on_topology,
    .on_served = on_served,
};

} // namespace certplan::rules
