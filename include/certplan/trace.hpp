// Autodiscover trace: what a client does to find its settings for USER@DOMAIN, step by step,
// over the planned DNS records and certificates (seed 002, white paper, R2).
#pragma once

#include <certplan/clients.hpp>
#include <certplan/finding.hpp>
#include <certplan/plan.hpp>

#include <string>
#include <vector>

namespace certplan {

struct TraceStep {
  std::string method;      // "microsoft365" | "scp" | "https-root" | "https-autodiscover" | "http-redirect" | "srv" | "redirect-target"
  std::string url;
  std::string dns;         // how the host resolved ("" when not looked up)
  std::string certificate; // the certificate met ("id (CN=...)"), "" when none
  std::string outcome;     // "ok" | "prompt" | "warning" | "fail" | "skip"
  std::string detail;      // a sentence
};

struct Trace {
  std::string client;
  std::string client_name;
  std::string email;
  std::string domain;
  std::vector<TraceStep> steps;
  bool landed = false;
  std::string landed_url;
  bool prompted = false; // the user saw a redirect prompt
  bool warned = false;   // the user saw a certificate warning
  std::string summary;
  // False for a client that does not use autodiscover (OWA in a browser): the trace does not
  // apply to it, which is not a failure (R2).
  bool applicable = true;

  Severity severity() const; // info: silent or not applicable; warning: prompt or warning; failure: no settings
  std::string_view status() const; // "n/a" when not applicable, else the word for severity()
};

// Traces `email` for `client`. `domain_joined`: the client is on the corporate network with
// line of sight to AD (SCP lookup, internal DNS view). Throws certplan::Error (usage) when the
// address's domain is in no forest or tenant of the topology: there is nothing to walk.
Trace trace_autodiscover(const Topology& topo, const Plan& plan, const ClientProfile& client, std::string_view email,
                         bool domain_joined);

} // namespace certplan
