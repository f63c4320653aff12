// The host-name normaliser (libidn2) and the R17 matcher. Input: one byte choosing the
// client policy, then lines: the reference name, then presented names (the last one also
// serves as the CN). Besides not crashing, the properties RFC 9525 and the profiles promise.
#include "fuzz.hpp"

#include <certplan/hostname.hpp>
#include <certplan/match.hpp>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace {

using certplan::WildcardSupport;

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

void check_normalized(std::string_view text) {
  std::string why;
  const auto h = certplan::normalize_host(text, why);
  if (!h) {
    fuzz::expect(!why.empty(), "a name refused without a reason");
    return;
  }
  const std::string& a = h->ascii;
  fuzz::expect(!a.empty() && a.size() <= 253 && a.back() != '.', "a normalised name that is empty, too long or absolute");
  fuzz::expect(std::none_of(a.begin(), a.end(), [](unsigned char c) { return c >= 0x80 || std::isupper(c) || c == '*'; }),
               "a normalised name that is not a lower-case A-label name");
  std::size_t start = 0;
  while (true) {
    const auto dot = a.find('.', start);
    const auto len = (dot == std::string::npos ? a.size() : dot) - start;
    fuzz::expect(len >= 1 && len <= 63, "a normalised name with an empty or overlong label");
    if (dot == std::string::npos) {
      break;
    }
    start = dot + 1;
  }
  fuzz::expect(certplan::label_count(a) == static_cast<std::size_t>(std::count(a.begin(), a.end(), '.')) + 1,
               "label_count");
  const auto parent = certplan::parent_zone(a);
  fuzz::expect(parent.empty() ? a.find('.') == std::string::npos : a.ends_with("." + parent), "parent_zone");
  // Names are keys everywhere (plans, indexes): normalising twice must change nothing.
  std::string why2;
  const auto again = certplan::normalize_host(a, why2);
  fuzz::expect(again && again->ascii == a, "normalisation is not idempotent");
  certplan::is_internal_name(a);
}

void check_match(std::string_view presented, std::string_view reference) {
  const bool none = certplan::dns_id_matches(presented, reference, WildcardSupport::none);
  const bool leftmost = certplan::dns_id_matches(presented, reference, WildcardSupport::leftmost);
  const bool partial = certplan::dns_id_matches(presented, reference, WildcardSupport::partial);
  // Each profile accepts what a stricter one accepts.
  fuzz::expect(!none || leftmost, "a name matched without wildcards but not with leftmost ones");
  fuzz::expect(!leftmost || partial, "a name matched with leftmost wildcards but not with partial ones");
  // Case never matters (RFC 4343).
  fuzz::expect(leftmost == certplan::dns_id_matches(upper(presented), lower(reference), WildcardSupport::leftmost),
               "matching depends on case");
  std::string ref = lower(reference);
  if (!ref.empty() && ref.back() == '.') {
    ref.pop_back();
  }
  if (none) {
    // Without wildcards a match is equality, ignoring case and the reference's final dot.
    fuzz::expect(lower(presented) == ref, "a match without wildcards between different names");
  }
  if (partial && presented.find('*') != std::string_view::npos) {
    // A wildcard stands for exactly one label: same number of labels, same parent.
    const auto p = lower(presented);
    fuzz::expect(std::count(p.begin(), p.end(), '.') == std::count(ref.begin(), ref.end(), '.'),
                 "a wildcard that matched a different number of labels");
    const auto pd = p.find('.');
    const auto rd = ref.find('.');
    fuzz::expect(pd != std::string::npos && rd != std::string::npos && p.substr(pd) == ref.substr(rd),
                 "a wildcard that matched under another parent");
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 4096) {
    return 0;
  }
  const std::uint8_t mode = data[0];
  std::vector<std::string_view> lines;
  const auto body = fuzz::text(data + 1, size - 1);
  std::size_t start = 0;
  while (start <= body.size()) {
    const auto nl = body.find('\n', start);
    lines.push_back(body.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
    if (nl == std::string_view::npos) {
      break;
    }
    start = nl + 1;
  }
  const std::string_view reference = lines.front();
  check_normalized(reference);
  certplan::PresentedNames names;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    check_normalized(lines[i]);
    check_match(lines[i], reference);
    (mode & 0x40 ? names.ip : names.dns).emplace_back(lines[i]);
  }
  if (lines.size() > 1) {
    names.cn = std::string(lines.back());
  }
  certplan::MatchPolicy policy;
  policy.wildcard = static_cast<WildcardSupport>(mode % 3);
  policy.name_source = static_cast<certplan::NameSource>((mode / 3) % 3);
  const bool covered = certplan::covers(names, reference, policy);
  if (covered && policy.name_source == certplan::NameSource::san_only && names.ip.empty()) {
    // Under san_only a DNS reference is covered by a DNS SAN that matches, nothing else.
    const bool any = std::any_of(names.dns.begin(), names.dns.end(),
                                 [&](const std::string& d) { return certplan::dns_id_matches(d, reference, policy.wildcard); });
    fuzz::expect(any, "covered under san_only by no matching SAN");
  }
  certplan::within_name_constraints(reference, names.dns, names.ip);
  return 0;
}
