// `certplan audit`: every endpoint x service x supported client against the certificate
// bound there, with reasons citing domain.md's rules. Pure: the CLI reads the files, runs
// the chain validation (x509.hpp) and passes the results in.
#pragma once

#include <certplan/clients.hpp>
#include <certplan/finding.hpp>
#include <certplan/plan.hpp>
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
};

struct AuditResult {
  std::string endpoint;
  std::string service; // iis | pop | imap | smtp
  std::string client;
  Severity status = Severity::info;
  std::string certificate; // SHA-256 fingerprint, "" when none is bound
  std::vector<std::string> reasons;
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

// Maximum validity of a publicly-trusted certificate issued at `not_before_unix` (R11,
// CA/B BR 6.3.2 with ballot SC-081), in days; 0 before 2020-09-01 (older rules apply).
int max_public_validity_days(long long not_before_unix);

} // namespace certplan
