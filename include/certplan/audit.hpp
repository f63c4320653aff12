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
  // The rest of the bundle, or of the chain a live server sent, in that order: R11 judges the
  // dates of every certificate a client is handed, not only the leaf's.
  std::vector<CertificateInfo> intermediates;
  ChainCheck chain;
  std::vector<std::string> services; // iis | smtp | pop | imap | um
  std::vector<std::string> sites;    // empty: every internet-facing site
  std::optional<bool> key_matches;   // --key, when given
  // Bound on an IP address of its own, DNS sending its names there (R12), so a client without
  // SNI meets it for those names.
  bool own_address = false;
  // The chain is exactly what a live server sent (audit --live): an issuer missing from it is
  // missing for every client, which no root installed on a device can make up for (R13). A
  // file may hold the leaf alone, the server adding the chain from its own store.
  bool served = false;
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
  // What loading the trust store found worth saying (ChainValidator::notes()), as R13 findings.
  void add_trust_notes(const std::vector<std::string>& notes);
};

// `at_unix`: the reference time (--at) for validity decisions.
Audit audit_endpoints(const Topology& topo, const Plan& plan, const ClientCatalog& catalog,
                      const std::vector<AuditCertificate>& certificates, long long at_unix);

// Live audit (`audit --live`, issue 14): what a server really served for a planned endpoint, to
// a client that sends SNI (the planned name) and to one that sends none; which certificate a
// client meets then depends only on the client (R12).
struct LiveObservation {
  static constexpr std::size_t none = static_cast<std::size_t>(-1);
  std::string host;    // the planned name
  std::string service; // iis | pop | imap | smtp
  std::string address; // where it was probed, "host:port"
  std::size_t with_sni = none;    // index into the served certificates; none: nothing served
  std::size_t without_sni = none; // the same without SNI (== with_sni when not probed: no
                                  // supported client of the service sends none)
  std::string with_sni_error, without_sni_error; // why nothing was served
};

// A planned endpoint to probe: the name, its service, the port the plan publishes it on
// (443 HTTPS, 993 IMAP, 995 POP3, 25 SMTP) and whether a supported client of that service may
// send no SNI, so the server must be asked without SNI too.
struct LiveProbe {
  std::string host;
  std::string service;
  unsigned port = 443;
  bool without_sni = false;
};
std::vector<LiveProbe> live_probes(const Topology& topo, const Plan& plan, const ClientCatalog& catalog);

// Every endpoint x service x supported client that was observed, judged as audit_endpoints
// judges installed certificates: through the serving model and the rules registry.
Audit audit_live(const Topology& topo, const Plan& plan, const ClientCatalog& catalog,
                 const std::vector<AuditCertificate>& served, const std::vector<LiveObservation>& observed,
                 long long at_unix);

// Renewal safety: every result that was ok or a warning `before` and fails `after`.
std::vector<AuditResult> renewal_regressions(const Audit& before, const Audit& after);

// The plan's certificates as if issued as requested (CN and SANs in order, the topology's key,
// SHA-256 or the hash BR 7.1.3.2 pairs with the curve, the serverAuth EKU, a public, enterprise
// or no CA as the topology says) and bound as planned: what `plan` judges its clients on. Valid
// from `at_unix` for the longest validity a public CA may give then (R11).
std::vector<AuditCertificate> as_issued(const Topology& topo, const Plan& plan, long long at_unix);

} // namespace certplan
