#include <certplan/error.hpp>
#include <certplan/live.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <thread>

namespace certplan {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 5 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

unsigned port_of(std::string_view s) {
  unsigned v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

} // namespace

void apply_connect_to(LiveTarget& t, const std::string& planned_host, unsigned planned_port,
                      const std::vector<std::string>& rules) {
  for (const auto& rule : rules) {
    std::vector<std::string_view> parts;
    std::string_view rest = rule;
    for (std::size_t colon; (colon = rest.find(':')) != std::string_view::npos; rest.remove_prefix(colon + 1)) {
      parts.push_back(rest.substr(0, colon));
    }
    parts.push_back(rest);
    if (parts.size() != 4 || parts[2].empty() || !all_digits(parts[3]) || port_of(parts[3]) == 0 ||
        port_of(parts[3]) > 65535 || (!parts[1].empty() && !all_digits(parts[1]))) {
      throw Error(ErrorKind::usage, "a connect-to rule is HOST1:PORT1:HOST2:PORT2, not \"" + rule + "\"");
    }
    if ((parts[0].empty() || parts[0] == planned_host) && (parts[1].empty() || port_of(parts[1]) == planned_port)) {
      t.host = std::string(parts[2]);
      t.port = port_of(parts[3]);
      return;
    }
  }
}

StartTls starttls_for(std::string_view flag, unsigned port) {
  if (flag == "smtp" || (flag.empty() && (port == 25 || port == 587))) {
    return StartTls::smtp;
  }
  if (flag == "imap" || (flag.empty() && port == 143)) {
    return StartTls::imap;
  }
  if (flag == "pop3" || (flag.empty() && port == 110)) {
    return StartTls::pop3;
  }
  if (!flag.empty() && flag != "none") {
    throw Error(ErrorKind::usage, "STARTTLS must be smtp, imap, pop3 or none");
  }
  return StartTls::none;
}

HostPort parse_host_port(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return {};
  }
  const auto host = text.substr(0, colon);
  const auto port = text.substr(colon + 1);
  const bool host_ok = std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
  });
  if (!host_ok || !all_digits(port) || port_of(port) == 0 || port_of(port) > 65535) {
    return {};
  }
  return {std::string(host), port_of(port)};
}

std::vector<ProbeResult> probe_all(const std::vector<LiveTarget>& targets, const ProbeLimits& limits) {
  std::vector<ProbeResult> out(targets.size());
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < targets.size();) {
      const LiveTarget& t = targets[i];
      out[i] = probe_endpoint(t.host, t.port, t.sni, t.starttls, limits.timeout_ms, limits.max_chain);
    }
  };
  std::vector<std::thread> pool;
  const std::size_t n = std::min(std::max<std::size_t>(limits.jobs, 1), targets.size());
  pool.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    pool.emplace_back(work);
  }
  for (auto& t : pool) {
    t.join();
  }
  return out;
}

} // namespace certplan
