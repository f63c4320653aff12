#include <certplan/hostname.hpp>

#include <idn2.h>

#include "hostname/normalize_general.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace certplan {
namespace {


bool looks_like_ip(std::string_view s) {
  // IPv6 literals contain ':'; dotted quads are all digits and dots.
  if (s.find(':') != std::string_view::npos) {
    return true;
  }
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) || c == '.'; });
}

// A name already in the form normalize_host gives (issue 18: a hoster's file has 300,000 of
// them, and the general path below cost about 1,000 instructions each): lower-case LDH labels
// of 1-63 octets, no label starting or ending with '-', at most 253 octets, not a dotted quad.
// Checked in one pass; anything else takes the general path, which also says what is wrong.
bool already_normal(std::string_view name) {
  if (name.empty() || name.size() > 253) {
    return false;
  }
  std::size_t label = 0;
  bool digits_and_dots = true;
  char prev = '.';
  for (const char c : name) {
    if (c == '.') {
      if (label == 0 || prev == '-') {
        return false;
      }
      label = 0;
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
      if ((label == 0 && c == '-') || ++label > 63) {
        return false;
      }
      digits_and_dots = digits_and_dots && c >= '0' && c <= '9';
    } else {
      return false;
    }
    prev = c;
  }
  return label != 0 && prev != '-' && !digits_and_dots;
}

} // namespace

std::optional<HostName> normalize_host(std::string_view text, std::string& why) {
  const std::string_view bare = text.ends_with('.') ? text.substr(0, text.size() - 1) : text;
  if (already_normal(bare)) {
    return HostName{std::string(bare), std::string(bare)};
  }
  return detail::normalize_host_general(text, why);
}

namespace detail {

std::optional<HostName> normalize_host_general(std::string_view text, std::string& why) {
  std::string_view name = text;
  if (!name.empty() && name.back() == '.') {
    name.remove_suffix(1);
  }
  if (name.empty()) {
    why = "empty host name";
    return std::nullopt;
  }
  // Before libidn2, which reads a C string: "mail.contoso.com\0.évil.com" would otherwise
  // come back as mail.contoso.com (found by tests/fuzz/fuzz_hostname.cpp).
  if (std::any_of(name.begin(), name.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    why = "a control character (NUL, tab, line break, ...) in a host name";
    return std::nullopt;
  }
  if (name.find('*') != std::string_view::npos) {
    why = "wildcards are planned by certplan, not written in the topology";
    return std::nullopt;
  }
  std::string ascii;
  if (util::is_ascii(name)) {
    ascii = util::lower_ascii(name);
  } else {
    char* out = nullptr;
    const std::string input(name);
    // Non-transitional IDNA2008 (UTS #46 mapping first, as browsers do).
    const int rc = idn2_to_ascii_8z(input.c_str(), &out, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    if (rc != IDN2_OK) {
      why = std::string("not a valid internationalised name: ") + idn2_strerror(rc);
      return std::nullopt;
    }
    ascii = util::lower_ascii(out);
    idn2_free(out);
  }
  // Judged after conversion: UTS #46 maps full-width digits and dots to ASCII ones.
  if (looks_like_ip(ascii)) {
    why = "an IP address is not a host name";
    return std::nullopt;
  }
  if (ascii.size() > 253) {
    why = "name longer than 253 octets";
    return std::nullopt;
  }
  std::size_t start = 0;
  while (start <= ascii.size()) {
    const std::size_t dot = std::min(ascii.find('.', start), ascii.size());
    const std::string_view label(ascii.data() + start, dot - start);
    if (label.empty()) {
      why = "empty label";
      return std::nullopt;
    }
    if (label.size() > 63) {
      why = "label longer than 63 octets";
      return std::nullopt;
    }
    for (const char c : label) {
      if (!(util::is_alnum_ascii(c) || c == '-')) {
        why = std::string("character '") + c + "' is not allowed in a host name (letters, digits, '-')";
        return std::nullopt;
      }
    }
    if (label.front() == '-' || label.back() == '-') {
      why = "a label cannot start or end with '-'";
      return std::nullopt;
    }
    start = dot + 1;
  }
  return HostName{std::move(ascii), std::string(name)};
}

} // namespace detail

bool is_internal_name(std::string_view host) {
  const auto dot = host.rfind('.');
  if (dot == std::string_view::npos) {
    return true; // NetBIOS-style single label
  }
  const std::string_view tld = host.substr(dot + 1);
  // Suffixes that are not IANA TLDs (or are reserved, RFC 2606/6761/8375) and show up in
  // AD domains. Not exhaustive: a name under an unlisted private suffix is not caught.
  static constexpr std::array<std::string_view, 15> k_private = {
      "local", "lan", "corp", "internal", "intranet", "intra", "private", "home",
      "localdomain", "localhost", "test", "example", "invalid", "domain", "priv"};
  if (std::find(k_private.begin(), k_private.end(), tld) != k_private.end()) {
    return true;
  }
  return host.ends_with(".home.arpa");
}

std::string parent_zone(std::string_view host) {
  const auto dot = host.find('.');
  return dot == std::string_view::npos ? std::string() : std::string(host.substr(dot + 1));
}

std::size_t label_count(std::string_view host) {
  return host.empty() ? 0 : static_cast<std::size_t>(std::count(host.begin(), host.end(), '.')) + 1;
}

} // namespace certplan
