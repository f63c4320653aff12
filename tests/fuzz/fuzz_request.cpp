// The PKCS#10 reader of `csr --check`: a request made elsewhere, PEM or DER.
#include "fuzz.hpp"

#include <certplan/error.hpp>
#include <certplan/x509.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto r = certplan::read_request(fuzz::text(data, size), "fuzz.csr");
    // A request that was read names its key and signature: csr --check prints both.
    fuzz::expect(!r.key_type.empty(), "a request read without a key type");
    fuzz::expect(!r.signature.empty(), "a request read without a signature algorithm");
  } catch (const certplan::Error& e) {
    fuzz::expect(e.kind() == certplan::ErrorKind::input, "an error that is not an input error");
  }
  return 0;
}
