// Live probes: TCP, optional STARTTLS, then Botan's TLS client only far enough to see the
// chain (shared/deps.md §5(f)). The chain callback runs before the handshake ends, so even a
// server that then demands a client certificate yields its chain.
#include <certplan/x509.hpp>


#include <botan/auto_rng.h>
#include <botan/credentials_manager.h>
#include <botan/tls_client.h>
#include <botan/tls_session_manager_noop.h>
#include <botan/x509cert.h>

#include <fmt/format.h>

#include <arpa/inet.h>
#include <cctype>
#include <chrono>
#include <cerrno>
#include <fcntl.h>
#include <cstring>
#include <netdb.h>
#include <optional>
#include <poll.h>
#include <span>
#include <string_view>
#include <sys/socket.h>
#include <unistd.h>

namespace certplan {


namespace {

class Socket {
public:
  Socket(const std::string& host, unsigned port, int timeout_ms)
      : m_deadline(std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms)), m_timeout_ms(timeout_ms) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
    if (rc != 0) {
      m_error = fmt::format("cannot resolve {}: {}", host, ::gai_strerror(rc));
      return;
    }
    for (addrinfo* a = res; a != nullptr && m_fd < 0; a = a->ai_next) {
      const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) {
        continue;
      }
      if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno == EINPROGRESS) {
        pollfd p{fd, POLLOUT, 0};
        int err = ETIMEDOUT;
        socklen_t len = sizeof err;
        if (::poll(&p, 1, timeout_ms) == 1) {
          ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        }
        if (err != 0) {
          m_error = fmt::format("connect to {}:{}: {}", host, port, std::strerror(err));
          ::close(fd);
          continue;
        }
      }
      m_fd = fd;
      m_error.clear();
    }
    ::freeaddrinfo(res);
    if (m_fd >= 0) {
      // Blocking writes with a timeout; reads wait in poll() for what is left of the one
      // deadline, so a peer that drips a byte at a time cannot hold the probe forever.
      ::fcntl(m_fd, F_SETFL, 0);
      timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
      ::setsockopt(m_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
  }

  // Reads what is there, waiting no later than the deadline. 0: closed; -1: error or timeout.
  ssize_t receive(void* buf, std::size_t n) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(m_deadline - std::chrono::steady_clock::now());
    pollfd p{m_fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) != 1) {
      m_timed_out = true;
      return -1;
    }
    return ::recv(m_fd, buf, n, 0);
  }
  bool timed_out() const { return m_timed_out; }
  int timeout_ms() const { return m_timeout_ms; }
  ~Socket() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  int fd() const { return m_fd; }
  const std::string& error() const { return m_error; }

  bool send_all(const uint8_t* d, std::size_t n) {
    while (n > 0) {
      const ssize_t w = ::send(m_fd, d, n, MSG_NOSIGNAL);
      if (w <= 0) {
        return false;
      }
      d += w;
      n -= static_cast<std::size_t>(w);
    }
    return true;
  }
  bool send_line(const std::string& s) { return send_all(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }
  // Byte by byte, so nothing of the TLS handshake that follows is swallowed.
  std::optional<std::string> read_line() {
    std::string line;
    char c = 0;
    while (line.size() < 4096) {
      if (receive(&c, 1) != 1) {
        return std::nullopt;
      }
      if (c == '\n') {
        return line;
      }
      if (c != '\r') {
        line += c;
      }
    }
    return std::nullopt;
  }

private:
  int m_fd = -1;
  std::string m_error = "no address";
  std::chrono::steady_clock::time_point m_deadline;
  int m_timeout_ms;
  bool m_timed_out = false;
};

// RFC 3207 (SMTP), RFC 2595 (IMAP STARTTLS, POP3 STLS).
std::string starttls(Socket& s, StartTls kind) {
  const auto expect = [&](const char* prefix) -> std::string {
    for (int lines = 0; lines < 200; ++lines) { // a reply that never ends is not a server's
      const auto l = s.read_line();
      if (!l) {
        return s.timed_out() ? fmt::format("timed out after {} s during STARTTLS", s.timeout_ms() / 1000)
                             : "connection closed during STARTTLS";
      }
      if (kind == StartTls::smtp && l->size() > 3 && (*l)[3] == '-') {
        continue; // multi-line reply
      }
      if (kind == StartTls::imap && l->starts_with("* ") && std::string_view(prefix) != "* OK") {
        continue; // untagged
      }
      return l->starts_with(prefix) ? "" : "unexpected reply \"" + *l + "\" during STARTTLS";
    }
    return "more than 200 reply lines during STARTTLS";
  };
  std::string e;
  switch (kind) {
  case StartTls::smtp:
    if (!(e = expect("220")).empty() || !s.send_line("EHLO certplan.invalid\r\n") || !(e = expect("250")).empty() ||
        !s.send_line("STARTTLS\r\n") || !(e = expect("220")).empty()) {
      return e.empty() ? "send failed during STARTTLS" : e;
    }
    return "";
  case StartTls::imap:
    if (!(e = expect("* OK")).empty() || !s.send_line("a1 STARTTLS\r\n") || !(e = expect("a1 OK")).empty()) {
      return e.empty() ? "send failed during STARTTLS" : e;
    }
    return "";
  case StartTls::pop3:
    if (!(e = expect("+OK")).empty() || !s.send_line("STLS\r\n") || !(e = expect("+OK")).empty()) {
      return e.empty() ? "send failed during STLS" : e;
    }
    return "";
  case StartTls::none:
    return "";
  }
  return "";
}

// A STARTTLS port greets in plaintext, which Botan reports only as "unexpected TLS record
// version"; say what arrived, and which --starttls it looks like when none was asked for.
std::string plaintext_instead_of_tls(const uint8_t* d, std::size_t n, StartTls kind) {
  if (n == 0 || (d[0] >= 20 && d[0] <= 24)) { // a TLS record's content type
    return "";
  }
  std::string line;
  for (std::size_t i = 0; i < n && d[i] != '\r' && d[i] != '\n' && line.size() < 80; ++i) {
    line += std::isprint(d[i]) != 0 ? static_cast<char>(d[i]) : '?';
  }
  const char* hint = "";
  if (kind == StartTls::none) {
    hint = line.starts_with("220")    ? " (an SMTP greeting: --starttls smtp)"
           : line.starts_with("* OK") ? " (an IMAP greeting: --starttls imap)"
           : line.starts_with("+OK")  ? " (a POP3 greeting: --starttls pop3)"
                                      : "";
  }
  return fmt::format("the server sent plaintext \"{}\" instead of a TLS handshake{}", line, hint);
}

// Botan 3's callbacks (src/lib/tls/tls_callbacks.h, 3.7.1): data as spans, OCSP responses as
// std::optional, the host as string_view.
class Capture final : public Botan::TLS::Callbacks {
public:
  explicit Capture(Socket& s) : m_socket(s) {}
  void tls_emit_data(std::span<const uint8_t> data) override { m_socket.send_all(data.data(), data.size()); }
  void tls_record_received(uint64_t, std::span<const uint8_t>) override {}
  void tls_alert(Botan::TLS::Alert alert) override { m_alert = alert.type_string(); }
  void tls_verify_cert_chain(const std::vector<Botan::X509_Certificate>& chain,
                             const std::vector<std::optional<Botan::OCSP::Response>>&,
                             const std::vector<Botan::Certificate_Store*>&, Botan::Usage_Type, std::string_view,
                             const Botan::TLS::Policy&) override {
    m_chain = chain; // judged later by certplan, never here
  }
  std::vector<Botan::X509_Certificate> m_chain;
  std::string m_alert;

private:
  Socket& m_socket;
};

// TLS 1.3 and 1.2, and old keys and hashes: a monitoring probe must see what is deployed, not
// refuse it. Botan 3 has no TLS 1.0 or 1.1 at all (doc/migration_guide.rst, "TLS").
class LenientPolicy final : public Botan::TLS::Policy {
public:
  bool allow_tls12() const override { return true; }
  bool allow_tls13() const override { return true; }
  size_t minimum_rsa_bits() const override { return 1024; }
  size_t minimum_signature_strength() const override { return 80; }
  std::vector<std::string> allowed_signature_hashes() const override { return {"SHA-512", "SHA-384", "SHA-256", "SHA-1"}; }
};

} // namespace

ProbeResult probe_endpoint(const std::string& host, unsigned port, const std::string& sni, StartTls kind, int timeout_ms,
                           std::size_t max_chain) {
  ProbeResult r;
  Socket s(host, port, timeout_ms);
  if (s.fd() < 0) {
    r.error = s.error();
    return r;
  }
  if (const auto e = starttls(s, kind); !e.empty()) {
    r.error = e;
    return r;
  }
  r.reachable = true;
  try {
    // Botan 3's TLS::Client shares ownership of everything it is given.
    auto callbacks = std::make_shared<Capture>(s);
    Capture& cb = *callbacks;
    Botan::TLS::Client client(callbacks, std::make_shared<Botan::TLS::Session_Manager_Noop>(),
                              std::make_shared<Botan::Credentials_Manager>(), std::make_shared<LenientPolicy>(),
                              std::make_shared<Botan::AutoSeeded_RNG>(),
                              Botan::TLS::Server_Information(sni, static_cast<uint16_t>(port)));
    uint8_t buf[16384];
    bool first = true;
    while (cb.m_chain.empty() && !client.is_active() && !client.is_closed()) {
      const ssize_t n = s.receive(buf, sizeof buf);
      if (n <= 0) {
        break;
      }
      if (first) {
        first = false;
        if (auto e = plaintext_instead_of_tls(buf, static_cast<std::size_t>(n), kind); !e.empty()) {
          r.error = std::move(e);
          return r;
        }
      }
      client.received_data(std::span<const uint8_t>(buf, static_cast<size_t>(n)));
    }
    if (cb.m_chain.size() > max_chain) {
      r.error = fmt::format("the server sent a chain of {} certificates, more than the limit of {}", cb.m_chain.size(),
                            max_chain);
      r.limit = Limit::chain;
      return r;
    }
    for (const auto& c : cb.m_chain) {
      const auto pem = c.PEM_encode();
      r.chain.push_back(read_certificates(pem, host).front());
      r.chain_pem += pem;
    }
    if (r.chain.empty()) {
      // TLS 1.3 and 1.2 are offered: protocol_version now names a peer that speaks only
      // TLS 1.1 or older, which Botan 3 does not implement.
      r.error = cb.m_alert.empty() ? (s.timed_out() ? fmt::format("no certificate within {} s (timed out)", s.timeout_ms() / 1000)
                                                     : std::string("no certificate received (connection closed)"))
                                   : fmt::format("TLS alert {}{}", cb.m_alert,
                                                 cb.m_alert == "protocol_version" ? " (the server may offer only TLS 1.1 or older)" : "");
    }
  } catch (const std::exception& e) {
    if (r.chain.empty()) {
      r.error = fmt::format("TLS handshake: {}", e.what());
    }
  }
  return r;
}

} // namespace certplan
