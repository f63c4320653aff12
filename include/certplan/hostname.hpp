// Host names as certplan stores them: A-label, lower case, no trailing dot.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace certplan {

struct HostName {
  std::string ascii;   // the form used everywhere: "xn--bcher-kva.example"
  std::string display; // what the user wrote (Unicode kept), for reports

  friend bool operator==(const HostName& a, const HostName& b) { return a.ascii == b.ascii; }
  friend auto operator<=>(const HostName& a, const HostName& b) { return a.ascii <=> b.ascii; }
};

// Normalises `text` per topology.md: lower case, one trailing dot dropped, Unicode labels
// to A-labels (IDNA2008 via libidn2). Returns the reason on failure in `why` and
// std::nullopt: an IP address, an empty label, a label over 63 octets, a name over 253
// octets, a character outside LDH, a label starting or ending with '-', or a wildcard.
std::optional<HostName> normalize_host(std::string_view text, std::string& why);

// True for names no public CA may certify (R6; CA/B BR §4.2.2): a single label (NetBIOS
// name) or a name under a suffix that is not an IANA TLD (.local, .lan, .corp, ...).
// The suffix list is a fixed set of the ones seen in Exchange deployments, not the
// full IANA root zone.
bool is_internal_name(std::string_view ascii_host);

// The parent zone of a host: "mail.contoso.com" -> "contoso.com"; "" for a single label.
std::string parent_zone(std::string_view ascii_host);

// Number of labels.
std::size_t label_count(std::string_view ascii_host);

} // namespace certplan
