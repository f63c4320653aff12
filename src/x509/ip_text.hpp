// Private to src/x509: an iPAddress SAN's octets as text, one formatter for the Botan-backed
// reader (san_reader.hpp) and the hand-written DER reader (der_fields.cpp), so both report
// the same string for the same bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

namespace certplan::x509 {

// Dotted IPv4 for 4 octets; IPv6 as eight hex groups without zero compression for 16
// (RFC 5280 4.2.1.6 stores the address in network byte order). Callers pass 4 or 16.
inline std::string ip_san_text(const std::uint8_t* b, std::size_t n) {
  std::string s;
  char buf[8];
  const bool v4 = n == 4;
  for (std::size_t k = 0; k < n; k += v4 ? 1 : 2) {
    if (v4) {
      std::snprintf(buf, sizeof buf, "%s%u", k == 0 ? "" : ".", b[k]);
    } else {
      std::snprintf(buf, sizeof buf, "%s%x", k == 0 ? "" : ":", static_cast<unsigned>((b[k] << 8) | b[k + 1]));
    }
    s += buf;
  }
  return s;
}

} // namespace certplan::x509
