// `certplan csr`: a key and a request per planned certificate, and checking a request made
// elsewhere against the plan.
#pragma once

#include <certplan/finding.hpp>
#include <certplan/plan.hpp>
#include <certplan/x509.hpp>

#include <optional>
#include <string>
#include <vector>

namespace certplan {

struct CsrOutput {
  std::string id;
  std::string cn;
  std::vector<std::string> sans;
  std::string key_type;
  std::string key_pem, csr_pem, ps1, cnf; // contents of ID.key, ID.csr, ID.ps1, ID.cnf
};

// Requests for the planned certificates named in `ids` (all when empty), generated on
// `jobs` threads. Output order follows the plan. Throws Error(usage) for an unknown id.
std::vector<CsrOutput> make_requests(const Plan& plan, const Topology& topo, const std::vector<std::string>& ids,
                                     const std::optional<KeySpec>& key, const std::optional<std::string>& passphrase,
                                     unsigned jobs);

// DIR/manifest.json (cli.md keys).
std::string csr_manifest(const std::vector<CsrOutput>& outputs);

struct RequestCheck {
  std::string certificate;   // the planned certificate it was compared with ("" if none)
  std::string planned_cn;
  bool cn_ok = false;
  std::vector<std::string> missing; // planned, not in the request
  std::vector<std::string> extra;   // in the request, not planned
  bool order_ok = false;            // same names in the planned order (R7)
  Severity severity = Severity::info;
  std::vector<std::string> notes;
};

// Compares a request with the planned certificate that shares its CN (else the one sharing
// the most names).
RequestCheck check_request(const Plan& plan, const RequestInfo& request);

} // namespace certplan
