// R17. RFC 9525 §6.3: "the wildcard character '*' ... MUST be the only character in the
// leftmost label" and "can only match exactly one label"; RFC 6125 §6.4.3 rule 3 lets a
// client also match partial-label wildcards ("baz*.example.net"), which a profile may allow.
#include <certplan/match.hpp>

#include <arpa/inet.h>

#include "util/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

namespace certplan {
namespace {

bool ldh_label(std::string_view l) {
  return !l.empty() && l.size() <= 63 && l.front() != '-' && l.back() != '-' &&
         std::all_of(l.begin(), l.end(), [](unsigned char c) { return std::isalnum(c) || c == '-'; });
}

std::vector<std::string_view> labels(std::string_view name) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const auto dot = name.find('.', start);
    out.push_back(name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) {
      return out;
    }
    start = dot + 1;
  }
}

bool ldh_name(std::string_view name) {
  const auto ls = labels(name);
  return std::all_of(ls.begin(), ls.end(), ldh_label);
}

// Textual IP to bytes, so "2001:DB8::1" equals "2001:db8:0:0:0:0:0:1".
std::optional<std::array<unsigned char, 17>> parse_ip(std::string_view s) {
  std::array<unsigned char, 17> out{};
  const std::string z(s);
  if (inet_pton(AF_INET, z.c_str(), out.data() + 1) == 1) {
    out[0] = 4;
    return out;
  }
  if (inet_pton(AF_INET6, z.c_str(), out.data() + 1) == 1) {
    out[0] = 6;
    return out;
  }
  return std::nullopt;
}

// A last label that a URL parser reads as a number (decimal, or 0x hex: WHATWG URL's IPv4
// number parser). No TLD is all-numeric (RFC 3696 §2), so such a host is an IP address in some
// notation or no DNS name at all; Chromium refuses to match it against any wildcard, and R17
// says a host whose labels are all numeric is never covered by one.
bool numeric_last_label(const std::vector<std::string_view>& ls) {
  std::string_view last = ls.back();
  if (last.size() > 2 && last.starts_with("0x")) {
    last.remove_prefix(2);
    return std::all_of(last.begin(), last.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
  }
  return !last.empty() && std::all_of(last.begin(), last.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

bool partial_label_matches(std::string_view pattern, std::string_view label) {
  // One '*' standing for one or more characters (an empty expansion would let "f*" match
  // "f", which mozilla::pkix and RFC 9525 both refuse).
  const auto star = pattern.find('*');
  const auto prefix = pattern.substr(0, star);
  const auto suffix = pattern.substr(star + 1);
  return label.size() > prefix.size() + suffix.size() && label.starts_with(prefix) && label.ends_with(suffix);
}

} // namespace

MatchPolicy strict_policy() { return {}; }

MatchPolicy policy_for(const ClientProfile& client) { return {client.wildcard, client.name_source}; }

bool dns_id_matches(std::string_view presented_raw, std::string_view reference_raw, WildcardSupport wildcard) {
  std::string reference = util::lower_ascii(reference_raw);
  if (!reference.empty() && reference.back() == '.') {
    reference.pop_back(); // an absolute reference name matches a relative presented one
  }
  const std::string presented = util::lower_ascii(presented_raw);
  if (reference.empty() || presented.empty() || !ldh_name(reference)) {
    return false;
  }
  if (presented.find('*') == std::string::npos) {
    return ldh_name(presented) && presented == reference; // BR: no trailing dot in a dNSName
  }
  if (wildcard == WildcardSupport::none) {
    return false;
  }
  const auto p = labels(presented);
  const auto r = labels(reference);
  // '*' only in the leftmost label, once, with at least two labels after it (no "*.com").
  if (std::count(presented.begin(), presented.end(), '*') != 1 || p.front().find('*') == std::string_view::npos ||
      p.size() < 3 || p.size() != r.size() || numeric_last_label(r)) {
    return false;
  }
  for (std::size_t i = 1; i < p.size(); ++i) {
    if (!ldh_label(p[i]) || p[i] != r[i]) {
      return false;
    }
  }
  if (p.front() == "*") {
    return true;
  }
  // Partial-label wildcard: only where the client allows it, never inside an A-label.
  if (wildcard != WildcardSupport::partial || p.front().starts_with("xn--") || r.front().starts_with("xn--")) {
    return false;
  }
  std::string without_star(p.front());
  without_star.erase(without_star.find('*'), 1);
  return (without_star.empty() || ldh_label(without_star)) && partial_label_matches(p.front(), r.front());
}

namespace {

// The reference name of dns_id_matches, normalised once for a whole list of presented names
// (a certificate of 100 SANs is read 100 times per endpoint otherwise).
class Reference {
public:
  explicit Reference(std::string_view raw) : m_raw(raw), m_name(util::lower_ascii(raw)) {
    if (!m_name.empty() && m_name.back() == '.') {
      m_name.pop_back();
    }
    m_valid = !m_name.empty() && ldh_name(m_name);
  }
  // dns_id_matches(presented, raw, wildcard), without lowering or splitting what cannot match
  // (equal to a valid reference, a presented name is itself a valid LDH name).
  bool matched_by(std::string_view presented, WildcardSupport wildcard) const {
    if (!m_valid) {
      return false;
    }
    if (presented.find('*') != std::string_view::npos) {
      return dns_id_matches(presented, m_raw, wildcard);
    }
    return presented.size() == m_name.size() &&
           std::equal(presented.begin(), presented.end(), m_name.begin(),
                      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  }

private:
  std::string_view m_raw;
  std::string m_name;
  bool m_valid = false;
};

} // namespace

bool covers(const PresentedNames& names, std::string_view reference, const MatchPolicy& policy) {
  if (const auto ref_ip = parse_ip(reference)) {
    // IP addresses match only iPAddress SANs (RFC 9525 §6.5).
    return std::any_of(names.ip.begin(), names.ip.end(), [&](const std::string& ip) { return parse_ip(ip) == ref_ip; });
  }
  if (policy.name_source == NameSource::cn_only) {
    return !names.cn.empty() && dns_id_matches(names.cn, reference, policy.wildcard);
  }
  const Reference ref(reference);
  const bool any = std::any_of(names.dns.begin(), names.dns.end(),
                               [&](const std::string& d) { return ref.matched_by(d, policy.wildcard); });
  if (any) {
    return true;
  }
  // RFC 6125 §6.4.4: the CN only "as a last resort", when the certificate has no SAN ids.
  const bool has_san_ids = !names.dns.empty() || !names.ip.empty();
  return policy.name_source == NameSource::san_or_cn && !has_san_ids && !names.cn.empty() &&
         dns_id_matches(names.cn, reference, policy.wildcard);
}

bool is_ip_reference(std::string_view reference) { return parse_ip(reference).has_value(); }

namespace {

bool in_subtree(std::string host, std::string base) {
  const auto normal = [](std::string& x) {
    x = util::lower_ascii(x);
    if (!x.empty() && x.back() == '.') {
      x.pop_back();
    }
  };
  normal(host);
  normal(base);
  if (base.empty()) {
    return true; // an empty base is every name
  }
  if (base.front() == '.') {
    return host.size() > base.size() && host.ends_with(base);
  }
  return host == base || (host.size() > base.size() && host.ends_with(base) && host[host.size() - base.size() - 1] == '.');
}

} // namespace

bool within_name_constraints(std::string_view host, const std::vector<std::string>& permitted,
                             const std::vector<std::string>& excluded) {
  const std::string h(host);
  if (std::any_of(excluded.begin(), excluded.end(), [&](const std::string& b) { return in_subtree(h, b); })) {
    return false;
  }
  return permitted.empty() || std::any_of(permitted.begin(), permitted.end(), [&](const std::string& b) { return in_subtree(h, b); });
}

} // namespace certplan
