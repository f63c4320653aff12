// Does a certificate cover a host name (R17: RFC 6125 / RFC 9525, with per-client quirks).
// Takes names, not certificates: the x509 adapter extracts them.
#pragma once

#include <certplan/clients.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace certplan {

struct PresentedNames {
  std::vector<std::string> dns; // SAN dNSName entries, in certificate order
  std::vector<std::string> ip;  // SAN iPAddress entries, textual
  std::string cn;               // subject CN ("" when absent)
};

struct MatchPolicy {
  WildcardSupport wildcard = WildcardSupport::leftmost; // strict RFC 9525: leftmost
  NameSource name_source = NameSource::san_only;        // san_or_cn: CN only when no DNS/IP SAN
};

// The strict policy of RFC 9525, and the one a client profile implies.
MatchPolicy strict_policy();
MatchPolicy policy_for(const ClientProfile& client);

// One presented DNS identifier against one reference name (both any case; the reference
// may end in one dot). A wildcard is the whole leftmost label over at least two labels and
// matches exactly one label; `f*.x` only under WildcardSupport::partial (never in an
// A-label); anything else with '*' or outside LDH is invalid and matches nothing.
bool dns_id_matches(std::string_view presented, std::string_view reference, WildcardSupport wildcard);

// Whether `names` cover `reference` (a host name or an IP address literal) under `policy`.
// IP literals match only IP SANs; the CN counts only for san_or_cn clients on certificates
// without DNS or IP SANs, and always for cn_only clients.
bool covers(const PresentedNames& names, std::string_view reference, const MatchPolicy& policy);

// Why `reference` is covered or not under `policy`: the rule that decided (R17, or R14 when
// only a wildcard the client refuses would cover it) and a one-line reason naming which
// presented identifier decided, for `certplan match` and any report that says why.
struct MatchExplanation {
  bool covered = false;
  std::string rule;   // "R17" or "R14"
  std::string reason; // e.g. "an IP SAN names it", "a wildcard SAN covers it (one label)"
};
// Implemented with R17 in src/rules/r17_name_matching.cpp: the explanation is the rule's.
MatchExplanation explain_match(const PresentedNames& names, std::string_view reference, const MatchPolicy& policy);
// Whether `reference` is an IPv4 or IPv6 address (matched only by iPAddress SANs).
bool is_ip_reference(std::string_view reference);

// `certplan match`: each host judged against one certificate's names, under strict RFC 9525
// or under a client profile's policy.
struct HostMatch {
  std::string host;
  MatchExplanation verdict;
};
struct MatchReport {
  std::string certificate; // the file, as given
  std::string subject_cn;
  std::string profile; // "strict RFC 9525 (R17)", or the client profile's id
  std::vector<HostMatch> results;
  bool all_covered() const;
};
// `client` nullptr: strict RFC 9525.
MatchReport match_hosts(std::string certificate, const PresentedNames& names, const std::vector<std::string>& hosts,
                        const ClientProfile* client);

// Whether a host name lies within DNS name constraints (RFC 5280 4.2.1.10): inside no excluded
// subtree, and inside a permitted one when any is given. "example.com" is the name and its
// subdomains, ".example.com" the subdomains only; any case. For the name a client connects
// to, which a wildcard SAN can hide from the CA's constraints.
bool within_name_constraints(std::string_view host, const std::vector<std::string>& permitted,
                             const std::vector<std::string>& excluded);

} // namespace certplan
