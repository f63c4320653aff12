// The installed state from the objects of a server's exports, recognised by their
// properties (ConvertTo-Json keeps no type names), and what audit and the registry make of it.
#include <certplan/server_export.hpp>

#include "rules/rule.hpp"

#include <fmt/format.h>
#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

namespace certplan::exports {
namespace {

std::string upper_hex(std::string s) {
  std::string out;
  for (const char c : s) {
    if (std::isxdigit(static_cast<unsigned char>(c)) != 0) {
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
  }
  return out;
}


long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

// "/Date(1577836800000)/", "/Date(1577836800000+0100)/" (the offset is display only: the
// number is UTC) or ISO 8601 "2021-08-06T15:59:05.4785716+02:00" / "...Z".
std::optional<long long> parse_date(const std::string& s) {
  if (s.starts_with("/Date(")) {
    std::size_t i = 6;
    const bool neg = i < s.size() && s[i] == '-';
    i += neg ? 1 : 0;
    long long ms = 0;
    std::size_t digits = 0;
    for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0 && digits < 18; ++i, ++digits) {
      ms = ms * 10 + (s[i] - '0');
    }
    if (digits == 0) {
      return std::nullopt;
    }
    ms = neg ? -ms : ms;
    return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  }
  int y, mo, d, h = 0, mi = 0, se = 0;
  char tail[64] = {0};
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%63s", &y, &mo, &d, &h, &mi, &se, tail) < 3 || mo < 1 ||
      mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) {
    return std::nullopt;
  }
  long long t = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 + se;
  std::string_view rest(tail);
  if (rest.starts_with('.')) {
    const auto end = rest.find_first_not_of("0123456789", 1);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  }
  int oh = 0, om = 0;
  if ((rest.starts_with('+') || rest.starts_with('-')) && std::sscanf(std::string(rest.substr(1)).c_str(), "%2d:%2d", &oh, &om) == 2) {
    const long long off = oh * 3600 + om * 60;
    t += rest[0] == '+' ? -off : off;
  }
  return t;
}

// bindingInformation "IP:port:host"; IPv6 addresses are bracketed.
bool split_binding(const std::string& info, InstalledBinding& b) {
  const auto last = info.rfind(':');
  if (last == std::string::npos || last == 0) {
    return false;
  }
  const auto mid = info.rfind(':', last - 1);
  if (mid == std::string::npos) {
    return false;
  }
  b.host = info.substr(last + 1);
  b.ip = info.substr(0, mid);
  const std::string port = info.substr(mid + 1, last - mid - 1);
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
    return false;
  }
  b.port = static_cast<unsigned>(std::stoul(port));
  return true;
}

// ItemXPath "/system.applicationHost/sites/site[@name='Default Web Site' and @id='1']".
std::string site_of_xpath(const std::string& xpath) {
  const auto at = xpath.find("@name='");
  if (at == std::string::npos) {
    return "";
  }
  const auto end = xpath.find('\'', at + 7);
  return end == std::string::npos ? "" : xpath.substr(at + 7, end - at - 7);
}

// The vdir kind from the type (ADOwaVirtualDirectory) or the cmdlet's naming ("owa (Default Web Site)").
std::string vdir_kind(const PsNode& o) {
  static const std::pair<const char*, const char*> k_types[] = {
      {"ADOwaVirtualDirectory", "owa"},       {"ADWebServicesVirtualDirectory", "ews"},
      {"ADEcpVirtualDirectory", "ecp"},       {"ADOabVirtualDirectory", "oab"},
      {"ADMobileVirtualDirectory", "activesync"}, {"ADMapiVirtualDirectory", "mapi"},
      {"ADAutodiscoverVirtualDirectory", "autodiscover"}, {"ADPowerShellVirtualDirectory", "powershell"}};
  for (const auto& [type, kind] : k_types) {
    if (o.has_type(type)) {
      return kind;
    }
  }
  std::string name = o.text_of("Name");
  name = name.substr(0, name.find(" ("));
  name = util::lower_ascii(name);
  if (name == "microsoft-server-activesync") {
    return "activesync";
  }
  return name;
}

// TlsCertificateName: an SmtpX509Identifier object (CertificateSubject, CertificateIssuer), or
// its text "<I>issuer<S>subject".
void tls_name(const PsNode* n, InstalledConnector& c) {
  if (n == nullptr || n->kind == PsNode::Kind::null) {
    return;
  }
  c.tls_subject = n->text_of("CertificateSubject");
  c.tls_issuer = n->text_of("CertificateIssuer");
  if (!c.tls_subject.empty()) {
    return;
  }
  const std::string& t = n->text;
  const auto i = t.find("<I>");
  const auto s = t.find("<S>");
  if (s != std::string::npos) {
    c.tls_subject = t.substr(s + 3);
    if (i != std::string::npos && i < s) {
      c.tls_issuer = t.substr(i + 3, s - i - 3);
    }
  }
}

std::string url_of(const PsNode& o, const char* name) {
  const PsNode* p = o.get(name);
  if (p == nullptr || p->kind == PsNode::Kind::null) {
    return "";
  }
  // ConvertTo-Json writes a Uri as an object with AbsoluteUri / OriginalString.
  for (const char* k : {"AbsoluteUri", "OriginalString"}) {
    if (const auto t = p->text_of(k); !t.empty()) {
      return t;
    }
  }
  return p->text;
}

void add_certificate(InstalledState& state, const PsNode& o, const std::string& file) {
  const PsNode* raw = o.get("RawData");
  InstalledCertificate c;
  c.where = o.where.line == 0 ? raw->where : o.where;
  c.der = raw->bytes;
  try {
    c.info = read_certificates(c.der, file).front();
  } catch (const Error& e) {
    // Windows keeps certificates Botan refuses (E19's WMSvc certificate): read what the DER
    // walk can, and say so.
    auto lenient = read_certificate_lenient(c.der);
    if (!lenient) {
      throw_input(raw->where, "RawData is not a certificate: " + e.message());
    }
    c.info = std::move(*lenient);
    c.note = "read by the DER walk only (" + e.message().substr(e.message().rfind(": ") + 2) + ")";
  }
  c.thumbprint = sha1_thumbprint(c.der);
  if (const PsNode* blob = o.get("SerializationData"); blob != nullptr && !blob->bytes.empty()) {
    c.blob = read_certificate_blob(blob->bytes);
  }
  // ConvertTo-Json of Get-ExchangeCertificate writes the plain properties themselves.
  if (!c.blob) {
    CertificateBlob b;
    bool any = false;
    if (const PsNode* s = o.get("Services"); s != nullptr && s->kind != PsNode::Kind::null) {
      if (s->kind == PsNode::Kind::number) {
        b.services = static_cast<std::uint32_t>(std::stoul(s->text));
        any = true;
      } else {
        // "IMAP, POP, IIS, SMTP"
        std::uint32_t v = 0;
        for (const auto& [bit, name] : std::initializer_list<std::pair<std::uint32_t, const char*>>{
                 {1, "IMAP"}, {2, "POP"}, {4, "UM"}, {8, "IIS"}, {16, "SMTP"}, {32, "Federation"}}) {
          std::string t = s->text;
          std::transform(t.begin(), t.end(), t.begin(), [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
          std::string n = name;
          std::transform(n.begin(), n.end(), n.begin(), [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
          std::size_t at = 0;
          while ((at = t.find(n, at)) != std::string::npos) {
            const bool start = at == 0 || !std::isalpha(static_cast<unsigned char>(t[at - 1]));
            const bool end = at + n.size() == t.size() || !std::isalpha(static_cast<unsigned char>(t[at + n.size()]));
            if (start && end) {
              v |= bit;
            }
            at += n.size();
          }
        }
        b.services = v;
        any = true;
      }
    }
    if (const PsNode* s = o.get("Status"); s != nullptr && s->kind == PsNode::Kind::number) {
      b.status = std::stoi(s->text);
      any = true;
    } else if (s != nullptr && s->kind == PsNode::Kind::string) {
      for (std::int32_t k = 0; k < 8; ++k) {
        if (util::iequals_ascii(status_to_string(k), s->text)) {
          b.status = k;
          any = true;
        }
      }
    }
    if (const PsNode* s = o.get("IsSelfSigned"); s != nullptr && s->kind == PsNode::Kind::boolean) {
      b.self_signed = s->text == "true";
      any = true;
    }
    if (any) {
      c.blob = b;
    }
  }
  if (state.find(c.thumbprint) == nullptr) {
    state.certificates.push_back(std::move(c));
  }
}

void add_binding(InstalledState& state, const PsNode& o, const std::string& site_hint) {
  InstalledBinding b;
  b.where = o.where;
  b.protocol = o.text_of("protocol");
  b.protocol = util::lower_ascii(b.protocol);
  if (!split_binding(o.text_of("bindingInformation"), b)) {
    return; // net.tcp, net.pipe, ... have no IP:port:host
  }
  b.thumbprint = upper_hex(o.text_of("certificateHash"));
  b.site = site_of_xpath(o.text_of("ItemXPath"));
  if (b.site.empty()) {
    b.site = site_hint;
  }
  if (const auto flags = o.text_of("sslFlags"); !flags.empty() && std::isdigit(static_cast<unsigned char>(flags[0])) != 0) {
    b.ssl_flags = std::stoll(flags);
  }
  // Get-WebBinding and Get-WebSite list the same bindings: keep each once.
  const bool known = std::any_of(state.bindings.begin(), state.bindings.end(), [&](const InstalledBinding& x) {
    return x.site == b.site && x.protocol == b.protocol && x.ip == b.ip && x.port == b.port && x.host == b.host &&
           x.thumbprint == b.thumbprint;
  });
  if (!known) {
    state.bindings.push_back(std::move(b));
  }
}

// What one object is, by its properties; returns what it was taken as ("" when left out).
std::string add_object(InstalledState& state, const PsNode& o, const std::string& file) {
  if (o.kind != PsNode::Kind::object) {
    return "";
  }
  if (const PsNode* raw = o.get("RawData"); raw != nullptr && raw->kind == PsNode::Kind::bytes) {
    add_certificate(state, o, file);
    return "certificate";
  }
  if (o.get("bindingInformation") != nullptr && o.get("protocol") != nullptr) {
    add_binding(state, o, "");
    return "binding";
  }
  if (o.get("CurrentCertificateThumbprint") != nullptr) {
    InstalledAuth a;
    a.where = o.where;
    a.current = upper_hex(o.text_of("CurrentCertificateThumbprint"));
    a.next = upper_hex(o.text_of("NextCertificateThumbprint"));
    a.previous = upper_hex(o.text_of("PreviousCertificateThumbprint"));
    if (const auto d = o.text_of("NextCertificateEffectiveDate"); !d.empty()) {
      a.next_effective = parse_date(d);
    }
    state.auth.push_back(std::move(a));
    return "auth config";
  }
  if (o.get("TlsCertificateName") != nullptr && (o.get("Bindings") != nullptr || o.get("AddressSpaces") != nullptr ||
                                                 o.get("SmartHosts") != nullptr)) {
    InstalledConnector c;
    c.where = o.where;
    c.kind = o.get("Bindings") != nullptr ? "receive" : "send";
    c.name = o.text_of("Name");
    c.fqdn = o.text_of("Fqdn");
    tls_name(o.get("TlsCertificateName"), c);
    std::string kind = c.kind + " connector";
    state.connectors.push_back(std::move(c));
    return kind;
  }
  if (o.get("InternalUrl") != nullptr && o.get("ExternalUrl") != nullptr) {
    InstalledVdir d;
    d.where = o.where;
    d.kind = vdir_kind(o);
    d.name = o.text_of("Name");
    d.server = o.text_of("Server");
    d.internal_url = url_of(o, "InternalUrl");
    d.external_url = url_of(o, "ExternalUrl");
    // Several exports of one cmdlet (GetOwaVirtualDirectory1.xml, 2, ...) list it again.
    const bool known = std::any_of(state.vdirs.begin(), state.vdirs.end(), [&](const InstalledVdir& x) {
      return x.kind == d.kind && x.name == d.name && x.server == d.server && x.internal_url == d.internal_url &&
             x.external_url == d.external_url;
    });
    if (!known) {
      state.vdirs.push_back(std::move(d));
    }
    return "virtual directory";
  }
  if (o.get("DomainName") != nullptr && o.get("DomainType") != nullptr) {
    const PsNode* n = o.get("DomainName");
    std::string domain = n->text_of("Address");
    state.accepted_domains.push_back(domain.empty() ? n->text : domain);
    return "accepted domain";
  }
  if (o.get("ServerRole") != nullptr && o.get("AdminDisplayVersion") != nullptr && o.get("Fqdn") != nullptr) {
    state.servers.push_back(o.text_of("Name"));
    state.server_fqdns.push_back(o.text_of("Fqdn"));
    return "exchange server";
  }
  // Get-WebSite: each site's bindings (a collection of objects like Get-WebBinding's).
  if (const PsNode* bs = o.get("bindings"); bs != nullptr && o.get("Name") != nullptr) {
    const PsNode* coll = bs->get("Collection");
    const auto& items = coll != nullptr ? coll->items : bs->items;
    const auto before = state.bindings.size();
    for (const auto& item : items) {
      if (item->kind == PsNode::Kind::object && item->get("bindingInformation") != nullptr) {
        add_binding(state, *item, o.text_of("Name"));
      }
    }
    return state.bindings.size() > before ? "web site" : "";
  }
  return "";
}

} // namespace

const InstalledCertificate* InstalledState::find(std::string_view thumbprint) const {
  const auto it = std::find_if(certificates.begin(), certificates.end(),
                               [&](const InstalledCertificate& c) { return util::iequals_ascii(c.thumbprint, thumbprint); });
  return it == certificates.end() ? nullptr : &*it;
}

void add_objects(InstalledState& state, const std::vector<std::shared_ptr<const PsNode>>& objects, const std::string& file) {
  std::vector<std::pair<std::string, int>> kinds;
  for (const auto& o : objects) {
    const std::string kind = add_object(state, *o, file);
    if (kind.empty()) {
      continue;
    }
    const auto it = std::find_if(kinds.begin(), kinds.end(), [&](const auto& k) { return k.first == kind; });
    if (it == kinds.end()) {
      kinds.emplace_back(kind, 1);
    } else {
      ++it->second;
    }
  }
  std::string what;
  for (const auto& [k, n] : kinds) {
    what += fmt::format("{}{} {}", what.empty() ? "" : ", ", n, k);
  }
  if (what.empty()) {
    state.skipped.push_back(file);
  } else {
    state.files.push_back(fmt::format("{}: {}", file, what));
  }
}

std::vector<AuditCertificate> audit_certificates(const InstalledState& state, const Topology& topo) {
  // The topology's sites whose servers the exports name.
  std::vector<std::string> sites;
  for (const auto& site : topo.sites) {
    for (const auto& server : site.servers) {
      const bool named = std::any_of(state.servers.begin(), state.servers.end(), [&](const auto& n) { return util::iequals_ascii(n, server.name); }) ||
                         (server.fqdn && std::any_of(state.server_fqdns.begin(), state.server_fqdns.end(),
                                                     [&](const auto& n) { return util::iequals_ascii(n, server.fqdn->ascii); }));
      if (named && std::find(sites.begin(), sites.end(), site.name) == sites.end()) {
        sites.push_back(site.name);
      }
    }
  }
  std::vector<AuditCertificate> out;
  for (const auto& c : state.certificates) {
    AuditCertificate a;
    a.source = fmt::format("{} {} ({})", state.source, c.thumbprint, c.info.subject_cn);
    a.leaf = c.info;
    a.sites = sites;
    // IIS: what the front end's bindings serve, not the Services flag (Enable-ExchangeCertificate
    // -Services IIS sets both, but a binding changed in IIS Manager changes only the binding).
    const bool on_iis = std::any_of(state.bindings.begin(), state.bindings.end(), [&](const InstalledBinding& b) {
      return b.protocol == "https" && b.port == 443 && b.site != "Exchange Back End" && b.ip != "127.0.0.1" &&
             util::iequals_ascii(b.thumbprint, c.thumbprint);
    });
    if (on_iis) {
      a.services.push_back("iis");
    }
    if (c.blob && c.blob->services) {
      const auto s = *c.blob->services;
      if ((s & 16) != 0) {
        a.services.push_back("smtp");
      }
      if ((s & 2) != 0) {
        a.services.push_back("pop");
      }
      if ((s & 1) != 0) {
        a.services.push_back("imap");
      }
      if ((s & 4) != 0) {
        a.services.push_back("um");
      }
    }
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<Finding> judge_installed(const InstalledState& state, const std::vector<std::string>& namespaces,
                                     long long at_unix) {
  const rules::InstalledFacts facts{state, namespaces, at_unix};
  std::vector<Finding> out;
  for (const auto& v : rules::judge_installed(facts)) {
    out.push_back({std::string(v.rule), v.severity, fmt::format("{}: {}", state.source, v.message), ""});
  }
  return out;
}

} // namespace certplan::exports
