// `certplan audit`: every endpoint x service x supported client against the certificate
// bound there, with reasons citing domain.md's rules. Pure: the CLI reads the files, runs
// the chain validation (x509.hpp) and passes the results in.
#pragma once

#include <certplan/clients.hpp>
#include <certplan/finding.hpp>
#include <certplan/plan.hpp>
#include <certplan/rules.hpp>
#include <certplan/x509.hpp>

#include <optional>
#include <string>
#include <vector>

namespace certplan {

struct AuditCertificate {
  std::string source;                // file name, for messages
  CertificateInfo leaf;
  ChainCheck chain;
  std::vector<std::string> services; // iis | smtp | pop | imap | um
  std::vector<std::string> sites;    // empty: every internet-facing site
  std::optional<bool> key_matches;   // --key, when given
  // Bound on an IP address of its own, DNS sending its names there (R12), so a client without
  // SNI meets it for those names.
  bool own_address = false;
};

struct AuditResult {
  std::string endpoint;
  std::string service; // iis | pop | imap | smtp
  std::string client;
  Severity status = Severity::info;
  std::string certificate; // SHA-256 fingerprint, "" when none is bound
  std::vector<std::string> reasons; // "R14 failure: ...", one per fact
  std::vector<Finding> facts;        // the same, as values
};

struct Audit {
  std::vector<AuditResult> results;
  std::vector<Finding> findings; // not tied to one endpoint/client (R12 ...)
  Severity worst() const;
};

// `at_unix`: the reference time (--at) for validity decisions.
Audit audit_endpoints(const Topology& topo, const Plan& plan, const ClientCatalog& catalog,
                      const std::vector<AuditCertificate>& certificates, long long at_unix);

// Renewal safety: every result that was ok or a warning `before` and fails `after`.
std::vector<AuditResult> renewal_regressions(const Audit& before, const Audit& after);

// The plan's certificates as if issued as requested (CN and SANs in order, the topology's key,
// SHA-256 or the hash BR 7.1.3.2 pairs with the curve, the serverAuth EKU, a public, enterprise
// or no CA as the topology says) and bound as planned: what `plan` judges its clients on. Valid
// from `at_unix` for the longest validity a public CA may give then (R11).
std::vector<AuditCertificate> as_issued(const Topology& topo, const Plan& plan, long long at_unix);

} // namespace certplan
