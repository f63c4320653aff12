// Private to src/x509: a small, bounds-checked DER walk over an X.509 certificate that reads
// only what an expiry report needs. Botan's full parse of every certificate costs about 14x
// the time of reading the bytes (the measurements), too slow for 100,000-certificate
// trees; this walk reads the few fields in one pass. It declines (returns nullopt) anything
// it does not fully understand, and the caller falls back to Botan's full parse, so it only
// has to be right on what it accepts.
#pragma once

#include <certplan/x509.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certplan::x509 {

struct DerFields {
  std::string subject_cn;        // first CN in encoded order, "" when there is none
  std::string issuer_cn;         // first CN of the issuer (declined when there is none)
  std::vector<std::string> dns;  // subjectAltName dNSName entries, in encoded order
  std::vector<std::string> ip;   // iPAddress entries, formatted as san_reader.hpp does
  long long not_before = 0;      // Unix time
  long long not_after = 0;
  std::string serial_hex;        // big-endian magnitude, leading zero bytes dropped, upper case
  bool same_subject_and_issuer = false; // byte-identical Names: self-issued
  bool is_ca = false;            // basicConstraints cA (RFC 5280 4.2.1.9), false when absent
};

// `der` must be exactly one certificate (nothing after it). With SanLists::skip, `dns` and
// `ip` stay empty; the extension is walked and judged all the same.
std::optional<DerFields> read_der_fields(std::basic_string_view<std::uint8_t> der, SanLists sans = SanLists::read);

// Decodes the base64 body of a PEM block (line breaks and spaces allowed, '=' padding only at
// the end) into `out`. Botan's decoder, which handles every input, took half the scan time
// on the 100,000-certificate benchmark; this table-driven one does not need to be general.
// False for anything else (the caller then asks Botan, for its error message).
bool decode_base64(std::string_view text, std::vector<std::uint8_t>& out);

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
long long days_from_civil(long long y, unsigned m, unsigned d);

} // namespace certplan::x509
