// The PEM CERTIFICATE markers (RFC 7468 section 5) and the blocks they enclose.
#pragma once

#include <string_view>
#include <vector>

namespace certplan::util {

inline constexpr std::string_view k_pem_cert_begin = "-----BEGIN CERTIFICATE-----";
inline constexpr std::string_view k_pem_cert_end = "-----END CERTIFICATE-----";

// Each CERTIFICATE block of `data` in order, BEGIN line to END line; a block with no END runs
// to the end of the data (the reader then says what is wrong). Other PEM blocks and text
// between them are skipped: a bundle with the key, a CSR or comments is common (RFC 7468
// section 5.2 allows explanatory text).
inline std::vector<std::string_view> pem_certificate_blocks(std::string_view data) {
  std::vector<std::string_view> blocks;
  for (std::size_t at = data.find(k_pem_cert_begin); at != std::string_view::npos;
       at = data.find(k_pem_cert_begin, at + 1)) {
    const std::size_t end = data.find(k_pem_cert_end, at);
    blocks.push_back(
        data.substr(at, end == std::string_view::npos ? std::string_view::npos : end + k_pem_cert_end.size() - at));
  }
  return blocks;
}

} // namespace certplan::util
