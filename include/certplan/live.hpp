// Live endpoints: where an endpoint is reached (curl's --connect-to), which protocol its port
// speaks (STARTTLS on 25/587, 143, 110), and the one bounded pool that probes them, shared by
// `audit --live` and `expiry` (issue 14 part 5: a thread per endpoint was 1,510 threads for
// 1,509 planned endpoints).
#pragma once

#include <certplan/x509.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace certplan {

struct LiveTarget {
  std::string label; // host:port as given or planned: what reports call it
  std::string host;  // where the probe connects (after --connect-to)
  unsigned port = 0;
  std::string sni;   // "" sends no server name (what a client without SNI gets)
  StartTls starttls = StartTls::none;
};

// curl's --connect-to HOST1:PORT1:HOST2:PORT2 (an empty HOST1 or PORT1 matches any): the first
// rule matching `planned_host`:`planned_port` sends the probe to HOST2:PORT2, while the name,
// SNI and label stay the planned ones. Throws Error(usage) for a malformed rule.
void apply_connect_to(LiveTarget& t, const std::string& planned_host, unsigned planned_port,
                      const std::vector<std::string>& rules);

// The STARTTLS dialect for `flag` (smtp | imap | pop3 | none), or, when it is empty, the one
// the well-known port implies (25/587 SMTP, 143 IMAP, 110 POP3). Throws Error(usage) otherwise.
StartTls starttls_for(std::string_view flag, unsigned port);

// "host:port" split; nullopt-like empty host when `text` is not of that form or the port is
// not 1..65535.
struct HostPort {
  std::string host;
  unsigned port = 0;
};
HostPort parse_host_port(std::string_view text);

struct ProbeLimits {
  std::size_t jobs = 16;      // probes at once
  int timeout_ms = 10000;     // per probe, everything included
  std::size_t max_chain = 16; // certificates
};

// Probes every target, at most `limits.jobs` at once; results in the targets' order. Network
// trouble is reported in each ProbeResult, never thrown.
std::vector<ProbeResult> probe_all(const std::vector<LiveTarget>& targets, const ProbeLimits& limits);

} // namespace certplan
