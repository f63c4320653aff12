// Private to src/x509: the subjectAltName as encoded, in order, and the dNSName subtrees of a
// CA's name constraints. Botan 3 hands dNSNames back from a sorted set and deprecates the
// NameConstraints::permitted()/excluded() lists with no replacement (3.7.1,
// src/lib/x509/pkix_types.h), so both extensions are read from their bytes here.
#pragma once

#include <botan/ber_dec.h>
#include <botan/pkix_types.h>

#include "x509/ip_text.hpp"

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
  Botan::BER_Decoder seq = Botan::BER_Decoder(ext.get_extension_bits(san)).start_sequence();
  while (seq.more_items()) {
    const auto o = seq.get_next_object();
    if (o.is_a(2, Botan::ASN1_Class::ContextSpecific)) { // dNSName [2] IA5String
      out.dns.emplace_back(reinterpret_cast<const char*>(o.bits()), o.length());
    } else if (o.is_a(7, Botan::ASN1_Class::ContextSpecific) && (o.length() == 4 || o.length() == 16)) { // iPAddress [7]
      out.ip.push_back(ip_san_text(o.bits(), o.length()));
    }
  }
  return out;
}

struct DnsNameConstraints {
  std::vector<std::string> permitted;
  std::vector<std::string> excluded;
};

// RFC 5280 4.2.1.10:
//   NameConstraints ::= SEQUENCE {
//        permittedSubtrees       [0]     GeneralSubtrees OPTIONAL,
//        excludedSubtrees        [1]     GeneralSubtrees OPTIONAL }
//   GeneralSubtrees ::= SEQUENCE SIZE (1..MAX) OF GeneralSubtree
//   GeneralSubtree ::= SEQUENCE {
//        base                    GeneralName,
//        minimum         [0]     BaseDistance DEFAULT 0,
//        maximum         [1]     BaseDistance OPTIONAL }
// Only dNSName bases [2] are returned; Botan has already decoded (and so checked) the extension
// when it parsed the certificate.
inline DnsNameConstraints read_dns_name_constraints(const Botan::Extensions& ext) {
  DnsNameConstraints out;
  const Botan::OID nc({2, 5, 29, 30});
  if (!ext.extension_set(nc)) {
    return out;
  }
  const auto constructed = Botan::ASN1_Class::ContextSpecific | Botan::ASN1_Class::Constructed;
  Botan::BER_Decoder seq = Botan::BER_Decoder(ext.get_extension_bits(nc)).start_sequence();
  while (seq.more_items()) {
    const auto subtrees = seq.get_next_object();
    std::vector<std::string>* into = subtrees.is_a(0, constructed)   ? &out.permitted
                                     : subtrees.is_a(1, constructed) ? &out.excluded
                                                                     : nullptr;
    if (into == nullptr) {
      continue;
    }
    Botan::BER_Decoder list(subtrees.bits(), subtrees.length());
    while (list.more_items()) {
      const auto subtree = list.get_next_object();
      subtree.assert_is_a(Botan::ASN1_Type::Sequence, Botan::ASN1_Class::Constructed, "GeneralSubtree");
      const auto base = Botan::BER_Decoder(subtree.bits(), subtree.length()).get_next_object();
      if (base.is_a(2, Botan::ASN1_Class::ContextSpecific)) { // dNSName [2] IA5String
        into->emplace_back(reinterpret_cast<const char*>(base.bits()), base.length());
      }
    }
  }
  return out;
}

} // namespace certplan::x509
