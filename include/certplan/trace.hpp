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
  std::string method;      // "scp" | "https-root" | "https-autodiscover" | "http-redirect" | "srv" | "redirect-target"
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

  Severity severity() const; // info: silent; warning: prompt or warning; failure: no settings
};

// Traces `email` for `client`. `domain_joined`: the client is on the corporate network with
// line of sight to AD (SCP lookup, internal DNS view).
Trace trace_autodiscover(const Topology& topo, const Plan& plan, const ClientProfile& client, std::string_view email,
                         bool domain_joined);

} // namespace certplan
