// Private to src/x509: the subjectAltName as encoded, in order. Botan 3 hands dNSNames back
// from a sorted set, so both requests and certificates read the extension bytes here.
#pragma once

#include <botan/ber_dec.h>
#include <botan/pkix_types.h>

#include <cstdio>
#include <string>
#include <vector>

namespace certplan::x509 {

struct SanEntries {
  std::vector<std::string> dns;
  std::vector<std::string> ip; // dotted IPv4, or IPv6 as eight hex groups
};

inline SanEntries read_san(const Botan::Extensions& ext) {
  SanEntries out;
  const Botan::OID san({2, 5, 29, 17});
  if (!ext.extension_set(san)) { // get_extension_bits() throws when it is absent
    return out;
  }
  Botan::BER_Decoder seq = Botan::BER_Decoder(ext.get_extension_bits(san)).start_cons(Botan::SEQUENCE);
  while (seq.more_items()) {
    const auto o = seq.get_next_object();
    if (o.is_a(2, Botan::CONTEXT_SPECIFIC)) { // dNSName [2] IA5String
      out.dns.emplace_back(reinterpret_cast<const char*>(o.bits()), o.length());
    } else if (o.is_a(7, Botan::CONTEXT_SPECIFIC) && (o.length() == 4 || o.length() == 16)) { // iPAddress [7]
      const auto* b = o.bits();
      std::string s;
      char buf[8];
      for (std::size_t k = 0; k < o.length(); k += (o.length() == 4 ? 1 : 2)) {
        if (o.length() == 4) {
          std::snprintf(buf, sizeof buf, "%s%u", k == 0 ? "" : ".", b[k]);
        } else {
          std::snprintf(buf, sizeof buf, "%s%x", k == 0 ? "" : ":", (b[k] << 8) | b[k + 1]);
        }
        s += buf;
      }
      out.ip.push_back(std::move(s));
    }
  }
  return out;
}

} // namespace certplan::x509
