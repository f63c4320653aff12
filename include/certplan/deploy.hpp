// `certplan deploy` (issue 15): from an issued certificate to a running Exchange, and how to keep
// it running under SC-081's shrinking lifetimes. For each planned certificate and each server
// it binds to, the Exchange Management Shell steps for that Exchange version, in order, each
// expanded from a template in templates/exchange/deploy/ that cites the cmdlet page it follows,
// every spliced value quoted by the quoting module; the hosted model's one-time redirect-site
// set-up; and the renewal plan for --at. Pure: no I/O, no clock (the caller passes --at).
#pragma once

#include <certplan/finding.hpp>
#include <certplan/plan.hpp>
#include <certplan/topology.hpp>

#include <optional>
#include <string>
#include <vector>

namespace certplan {

// Where the certificate's private key lives, which decides how it is imported.
enum class KeySource {
  certplan, // `certplan csr` made ID.key + ID.csr: build ID.pfx with openssl, import it with -Password
  server,   // ID.ps1 made the request on the first server: import the issued .cer there, export to the others
};
std::string_view to_string(KeySource k);
std::optional<KeySource> key_source_from_string(std::string_view s);

struct DeployOptions {
  std::vector<std::string> certificates; // ids; all when empty (unknown: Error usage)
  std::vector<std::string> servers;      // NetBIOS names; all when empty (unknown: Error usage)
  KeySource key = KeySource::certplan;
  std::string files_dir = "C:\\certplan"; // where the admin copies ID.cer / ID.pfx on the server
  std::string key_passphrase_file;        // ID.key is encrypted with the passphrase in this file ("" none)
  long long at = 0;                       // --at, Unix time (renewal planning)
};

// One step: what it does, the cmdlet page it follows, and the PowerShell (or, for `shell`
// steps, POSIX shell) text, already quoted.
struct DeployStep {
  std::string id;    // "import", "enable", "owa-url", ...
  std::string title; // one line
  std::string shell = "powershell"; // "powershell" | "sh" (run on the admin workstation)
  std::string cites;   // the page the template cites
  std::string command; // one or more lines, no trailing newline
  std::vector<std::string> notes;
};

struct ServerSteps {
  std::string server; // NetBIOS name
  std::string site;
  std::vector<DeployStep> steps;
};

// SC-081 (CA/B BR 6.3.2 and 4.2.1): the longest validity and the domain-validation reuse
// period for a certificate issued on `date`.
struct LifetimePhase {
  std::string date; // YYYY-MM-DD the phase starts
  int max_validity_days = 0;
  int dcv_reuse_days = 0;
};

struct RenewalEvent {
  std::string date; // YYYY-MM-DD
  std::string what; // "issue", "renew by", "expires"
};

struct RenewalPlan {
  bool public_ca = true;
  LifetimePhase today;                    // in force at --at
  std::vector<LifetimePhase> next_phases; // the later SC-081 steps, in date order
  int lifetime_days = 0;                  // what a certificate issued at --at lasts (the public limit)
  int renew_after_days = 0;               // renew when this much of it has passed (two thirds)
  int margin_days = 0;                    // lifetime - renew_after: time left to fix a failed renewal
  int margin_percent = 0;                 // margin as a share of the lifetime
  int renewals_first_year = 0;            // issuances in the 365 days after --at, renewing as planned
  std::vector<RenewalEvent> calendar;     // the first year's issue / renew-by dates
  bool every_renewal_revalidates = false; // the DCV reuse period is shorter than the renewal interval
  std::vector<std::string> fresh_validation; // names that need fresh domain validation at the next issuance
  std::vector<std::string> notes;
  // The automation, per certificate: certbot for certplan's key, the Windows ACME clients,
  // and the renewal from the installed certificate (Exchange makes a new key).
  DeployStep certbot, win_acme, posh_acme, from_existing;
};

struct CertificateDeploy {
  std::string id;
  std::string cn;
  std::vector<std::string> sans;
  std::vector<std::string> services; // IIS, POP, IMAP, SMTP, UM
  KeySource key = KeySource::certplan;
  std::vector<DeployStep> prepare; // on the admin workstation (the .pfx), before any server
  std::vector<ServerSteps> servers;
  std::vector<DeployStep> organization; // once per organization (Set-OutlookProvider)
  RenewalPlan renewal;
};

struct DeployPlan {
  std::string topology_path;
  std::string organization;
  ExchangeVersion exchange = ExchangeVersion::v2019;
  Model model = Model::consolidated;
  std::string at; // YYYY-MM-DD
  std::vector<ServerSteps> one_time; // hosted: the IIS redirect sites, per server
  std::vector<CertificateDeploy> certificates;
  std::vector<Finding> findings; // the plan's warnings and failures (the rules registry's)

  Severity worst() const;
};

// The steps for `plan` (made from `topo`). `known_names`: names on the certificates installed
// today (the topology's [[installed]] files, read by the caller); a planned name not among them
// needs fresh domain validation. Throws Error(usage) for an unknown certificate id or server.
DeployPlan make_deploy(const Plan& plan, const Topology& topo, const DeployOptions& options,
                       const std::vector<std::string>& known_names);

// SC-081's phase in force for a certificate issued at `unix_time` (398/398 from 2020-09-01 and
// 2021-10-01; 200/200 from 2026-03-15; 100/100 from 2027-03-15; 47/10 from 2029-03-15).
LifetimePhase lifetime_phase(long long unix_time);

// Renderers (src/render/deploy.cpp): text, ps1 (one script), json (certplan.deploy/1) and
// ics (the renewal calendar, RFC 5545).
enum class DeployFormat { text, ps1, json, ics };
std::string render_deploy(const DeployPlan& deploy, DeployFormat format);

} // namespace certplan
