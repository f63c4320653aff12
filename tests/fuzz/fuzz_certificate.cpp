// The certificate loaders: read_certificates (Botan's full parse of a PEM bundle or DER, as
// audit, match and trace read certificates) and read_certificate_summary (expiry's DER walk
// with Botan as the fallback). Besides not crashing, the two must agree on every field the
// summary reports whenever both read the same single certificate: the walk may only take a
// shortcut, never give another answer (src/x509/der_fields.hpp).
#include "fuzz.hpp"

#include <certplan/error.hpp>
#include <certplan/x509.hpp>

#include "summary_fields.hpp"
#include "x509/der_fields.hpp"

#include <optional>
#include <string>

namespace {

bool one_pem_block(std::string_view s) {
  constexpr std::string_view begin = "-----BEGIN CERTIFICATE-----";
  return s.starts_with(begin) && s.find(begin, 1) == std::string_view::npos;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = fuzz::text(data, size);

  if (const auto n = certplan::der_element_size(input)) {
    fuzz::expect(n <= size, "der_element_size runs past the input");
  }
  if (input.size() >= 2 && static_cast<unsigned char>(input[0]) == 0x30) {
    certplan::x509::read_der_fields({data, size}); // the walk alone, on raw bytes
  }

  std::optional<certplan::CertificateInfo> fast;
  try {
    fast = certplan::read_certificate_summary(input);
  } catch (const certplan::Error& e) {
    fuzz::expect(e.kind() == certplan::ErrorKind::input, "summary: an error that is not an input error");
  }
  std::vector<certplan::CertificateInfo> full;
  try {
    full = certplan::read_certificates(input, "fuzz.pem", 64);
    fuzz::expect(!full.empty() && full.size() <= 64, "read_certificates: no certificate, or more than the limit");
  } catch (const certplan::Error& e) {
    fuzz::expect(e.kind() == certplan::ErrorKind::input, "read_certificates: an error that is not an input error");
  }
  for (const auto& c : full) {
    fuzz::expect(c.sha256_fingerprint.size() == 95, "a fingerprint that is not 32 hex pairs");
    fuzz::expect(c.not_before == certplan::format_rfc3339(c.not_before_unix) &&
                     c.not_after == certplan::format_rfc3339(c.not_after_unix),
                 "validity text and Unix time disagree");
  }
  if (fast) {
    fuzz::expect(fast->sha256_fingerprint.size() == 95, "summary: a fingerprint that is not 32 hex pairs");
  }
  const bool single = (size >= 1 && data[0] == 0x30) || one_pem_block(input);
  if (fast && full.size() == 1 && single) {
    if (const char* field = test::first_difference(*fast, full.front())) {
      std::fprintf(stderr, "walk and Botan differ in: %s\n", field);
      fuzz::fail("walk and Botan read one certificate differently");
    }
  }
  return 0;
}
