// RFC 4648 base64 decoding for readers outside the Botan adapter (Botan's decoder is confined
// to src/x509). Whitespace between characters is skipped, as in PowerShell's exports; '='
// ends the data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace certplan::util {

// The decoded bytes, or nullopt at the first character that is not base64; `bad` is set to it.
inline std::optional<std::string> base64_decode(std::string_view s, char* bad = nullptr) {
  std::string out;
  out.reserve(s.size() / 4 * 3);
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : s) {
    int v = 0;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '+') {
      v = 62;
    } else if (c == '/') {
      v = 63;
    } else if (c == ' ' || c == '\r' || c == '\n' || c == '\t') {
      continue;
    } else if (c == '=') {
      break;
    } else {
      if (bad != nullptr) {
        *bad = c;
      }
      return std::nullopt;
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

} // namespace certplan::util
