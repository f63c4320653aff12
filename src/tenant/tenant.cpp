// Tenant onboarding (issue 3; seeds 000 and 001): the topology file is edited as text so a
// hoster's comments and layout survive, and every edit is re-parsed before it is returned.
// The runbook compares the plans without and with the tenant, so it says exactly what the
// planner would derive, never a second opinion.
#include <certplan/error.hpp>
#include <certplan/load.hpp>
#include <certplan/quote.hpp>
#include <certplan/tenant.hpp>

#include "render/table.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <algorithm>
#include <future>
#include <unordered_map>
#include <unordered_set>
#include <map>
#include <set>

namespace certplan {
namespace {

using nlohmann::ordered_json;

// Seed 000 has you create two IIS web sites on the secondary IP for the redirects but does
// not name them; these are certplan's names for them.
constexpr std::string_view k_autodiscover_site = "AutodiscoverRedirect";
constexpr std::string_view k_webmail_site = "WebmailRedirect";

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x80; });
}

std::string version_label(ExchangeVersion v) {
  return v == ExchangeVersion::se ? std::string("Exchange SE") : fmt::format("Exchange {}", to_string(v));
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  return out;
}

// Every runbook command comes from a templates/tenant/ template whose placeholders name
// their language ({{ps:name}}), so each value is one PowerShell literal (issue 13).
std::string render(std::string_view name, const quote::Values& values) {
  std::string out = quote::expand_template("templates/tenant/" + std::string(name), values);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
    out.pop_back();
  }
  return out;
}

// ---- the text of the file ------------------------------------------------------------

class Lines {
public:
  explicit Lines(std::string_view text) : m_text(text) {
    m_starts.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n' && i + 1 < text.size()) {
        m_starts.push_back(i + 1);
      }
    }
  }
  std::size_t count() const { return m_starts.size(); }
  // Line `k` (1-based) is the bytes [begin(k), end(k)), its "\n" included.
  std::size_t begin(std::size_t k) const { return m_starts[k - 1]; }
  std::size_t end(std::size_t k) const { return k < m_starts.size() ? m_starts[k] : m_text.size(); }
  std::string_view line(std::size_t k) const { return m_text.substr(begin(k), end(k) - begin(k)); }

  bool blank(std::size_t k) const { return first_char(k) == '\0'; }
  bool comment(std::size_t k) const { return first_char(k) == '#'; }
  bool header(std::size_t k) const { return first_char(k) == '['; }

private:
  char first_char(std::size_t k) const {
    for (const char c : line(k)) {
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        return c;
      }
    }
    return '\0';
  }

  std::string_view m_text;
  std::vector<std::size_t> m_starts;
};

// Files written on Windows keep their line ends.
std::string_view eol_of(std::string_view text) {
  const auto nl = text.find('\n');
  return nl != std::string_view::npos && nl > 0 && text[nl - 1] == '\r' ? "\r\n" : "\n";
}

toml::table parse_toml(std::string_view text, const std::string& path) {
  try {
    return toml::parse(text, std::string_view(path));
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw_input({path, b.line == 0 ? 1 : b.line, b.line == 0 ? 1 : b.column},
                fmt::format("TOML syntax: {}", e.description()));
  }
}

SourcePos node_pos(const std::string& path, const toml::node* n, const SourcePos& fallback) {
  if (n == nullptr || n->source().begin.line == 0) {
    return fallback;
  }
  return {path, n->source().begin.line, n->source().begin.column};
}

// The last line any value of `t` (or of a table inside it) ends on.
std::size_t last_value_line(const toml::node& n) {
  std::size_t last = n.source().end.line;
  if (const auto* t = n.as_table()) {
    for (const auto& [k, v] : *t) {
      last = std::max(last, last_value_line(v));
    }
  } else if (const auto* a = n.as_array()) {
    for (const auto& e : *a) {
      last = std::max(last, last_value_line(e));
    }
  }
  return last;
}

// Lines holding a [table] or [[array]] header, except those of `skip` and its sub-tables.
// A table's source begins at its header; tables made by dotted keys begin at the key line
// instead, hence the look at the line itself.
void header_lines(const toml::node& n, const toml::table* skip, const Lines& lines, std::set<std::size_t>& out) {
  if (const auto* t = n.as_table()) {
    if (t == skip || t->is_inline()) {
      return;
    }
    const std::size_t line = t->source().begin.line;
    if (line >= 1 && line <= lines.count() && lines.header(line)) {
      out.insert(line);
    }
    for (const auto& [k, v] : *t) {
      header_lines(v, skip, lines, out);
    }
  } else if (const auto* a = n.as_array()) {
    for (const auto& e : *a) {
      header_lines(e, skip, lines, out);
    }
  }
}

std::string names_list(const std::vector<Tenant>& tenants) {
  // A hoster has thousands of tenants; a few are enough to spot a typo.
  constexpr std::size_t k_shown = 10;
  std::string out;
  for (std::size_t i = 0; i < tenants.size() && i < k_shown; ++i) {
    out += fmt::format("{}'{}'", i == 0 ? "" : ", ", tenants[i].name);
  }
  if (tenants.size() > k_shown) {
    out += fmt::format(" and {} more", tenants.size() - k_shown);
  }
  return out.empty() ? std::string("none") : out;
}

void require_hosted(const Topology& topo, std::string_view verb) {
  if (topo.organization.model != Model::hosted || !topo.hosting) {
    throw Error(ErrorKind::input,
                fmt::format("tenant {}: {} has model \"{}\"; tenants exist only with model = \"hosted\"; nothing written",
                            verb, topo.path, to_string(topo.organization.model)),
                topo.organization.model_pos);
  }
}

Topology reparse(const std::string& text, const std::string& path, const ClientCatalog& catalog, std::string_view verb) {
  try {
    return parse_topology(text, path, catalog);
  } catch (const Error& e) {
    throw Error(ErrorKind::input, fmt::format("tenant {}: the edited topology would not load ({}); nothing written",
                                              verb, e.what()));
  }
}

// ---- the runbook -----------------------------------------------------------------------

// What makes two records the same record: view, name, type and value (views into the plan).
struct RecordKey {
  std::string_view view, name, type, value;
  explicit RecordKey(const DnsRecord& r) : view(r.view), name(r.name), type(r.type), value(r.value) {}
  bool operator==(const RecordKey&) const = default;
};
struct RecordKeyHash {
  std::size_t operator()(const RecordKey& k) const {
    const std::hash<std::string_view> h;
    return ((h(k.name) * 31 + h(k.value)) * 31 + h(k.type)) * 31 + h(k.view);
  }
};

std::vector<CertificateChange> certificate_changes(const Plan& before, const Plan& after) {
  std::map<std::string, const CertificatePlan*> old_by_id;
  for (const auto& c : before.certificates) {
    old_by_id.emplace(c.id, &c);
  }
  std::set<std::string> seen;
  std::vector<CertificateChange> out;
  for (const auto& c : after.certificates) {
    seen.insert(c.id);
    const auto it = old_by_id.find(c.id);
    CertificateChange ch;
    ch.id = c.id;
    ch.sans_after = c.sans.size();
    ch.command = c.exchange_command;
    if (it == old_by_id.end()) {
      ch.change = "new";
      ch.added = c.sans;
      out.push_back(std::move(ch));
      continue;
    }
    const auto& old = *it->second;
    // Order matters too: the CN is the first name and the CSR lists them in R7 order.
    if (old.sans == c.sans && old.cn == c.cn) {
      continue;
    }
    ch.change = "changed";
    ch.sans_before = old.sans.size();
    const std::set<std::string> was(old.sans.begin(), old.sans.end());
    const std::set<std::string> now(c.sans.begin(), c.sans.end());
    for (const auto& s : c.sans) {
      if (was.count(s) == 0) {
        ch.added.push_back(s);
      }
    }
    for (const auto& s : old.sans) {
      if (now.count(s) == 0) {
        ch.dropped.push_back(s);
      }
    }
    out.push_back(std::move(ch));
  }
  for (const auto& c : before.certificates) {
    if (seen.count(c.id) == 0) {
      CertificateChange ch;
      ch.id = c.id;
      ch.change = "retired";
      ch.sans_before = c.sans.size();
      ch.dropped = c.sans;
      out.push_back(std::move(ch));
    }
  }
  return out;
}

// `with` and `without` are the topology with and without the tenant, whichever way the
// edit went.
// `plan_with` and `plan_without` are their plans.
TenantRunbook make_runbook(TenantAction action, const Topology& with, const Tenant& tenant, const Plan& plan_with,
                           const Plan& plan_without) {
  const Hosting& hosting = *with.hosting;

  TenantRunbook rb;
  rb.action = action;
  rb.topology_path = with.path;
  rb.tenant = tenant;
  rb.exchange = with.organization.exchange;
  rb.autodiscover = hosting.autodiscover;

  // (a) DNS: the tenant's zones, plus its webmail name wherever it lives.
  std::set<std::string> zones;
  for (const auto& d : tenant.domains) {
    zones.insert(d.ascii);
  }
  std::unordered_set<RecordKey, RecordKeyHash> without_keys;
  without_keys.reserve(plan_without.dns_records.size());
  for (const auto& r : plan_without.dns_records) {
    without_keys.emplace(r);
  }
  for (const auto& r : plan_with.dns_records) {
    if (r.view != "external") {
      continue;
    }
    if (zones.count(r.zone) != 0 || (tenant.webmail && r.name == tenant.webmail->ascii)) {
      rb.tenant_records.push_back(r);
    } else if (without_keys.count(RecordKey(r)) == 0) {
      // e.g. the webmail redirect site's A record, planned only once a tenant has webmail.
      rb.provider_records.push_back(r);
    }
  }

  // (b) Host headers on the redirect sites, on every client-access server that runs them.
  std::vector<std::pair<std::string, std::string>> servers; // name, secondary IP
  for (const auto& site : with.sites) {
    if (!site.internet_facing) {
      continue;
    }
    for (const auto& s : site.servers) {
      if (s.has_role("client-access")) {
        servers.emplace_back(s.name, s.secondary_ip.empty() ? std::string("*") : s.secondary_ip);
      }
    }
  }
  if (servers.empty()) {
    servers.emplace_back("", "*");
  }
  std::vector<std::pair<std::string_view, std::string>> hosts; // site, host header
  if (hosting.autodiscover == AutodiscoverMethod::redirect) {
    for (const auto& d : tenant.domains) {
      hosts.emplace_back(k_autodiscover_site, "autodiscover." + d.ascii);
    }
  }
  if (tenant.webmail) {
    hosts.emplace_back(k_webmail_site, tenant.webmail->ascii);
  }
  const char* binding_template =
      action == TenantAction::add ? "add-redirect-bindings.ps1" : "remove-redirect-bindings.ps1";
  for (const auto& [server, ip] : servers) {
    for (const auto& [site, host] : hosts) {
      RedirectBinding b{std::string(site), server, ip, 80, host, ""};
      b.command = render(binding_template,
                         {{"site", b.site}, {"ip", b.ip}, {"port", std::to_string(b.port)}, {"host", b.host}});
      rb.bindings.push_back(std::move(b));
    }
  }

  // (c) Certificates, compared before and after the edit.
  rb.certificates = action == TenantAction::add ? certificate_changes(plan_without, plan_with)
                                                : certificate_changes(plan_with, plan_without);

  // (d) Exchange.
  const std::string& name = tenant.name;
  const bool hosting_mode = rb.exchange == ExchangeVersion::v2010;
  if (action == TenantAction::add) {
    if (hosting_mode) {
      rb.exchange_notes = {
          "Exchange 2010 SP1 or later installed with /hosting (seed 000): the tenant is an organization of its own.",
          "New-Organization asks for the tenant administrator's password; ProgramID and OfferID are seed 000's "
          "sample service plan (see ServicePlanHostingRemap.csv on the Client Access servers)."};
      rb.exchange_commands.push_back(
          render("new-organization.ps1", {{"name", name}, {"domain", tenant.domains.front().ascii}}));
      for (std::size_t i = 1; i < tenant.domains.size(); ++i) {
        rb.exchange_commands.push_back(render("accepted-domain-in-organization.ps1",
                                              {{"domain", tenant.domains[i].ascii}, {"organization", name}}));
      }
    } else {
      rb.exchange_notes = {
          fmt::format("{} has no hosting mode (/hosting exists only for Exchange 2010 SP1 and later service packs): "
                      "the tenant's domains become accepted domains of the provider's organization.",
                      version_label(rb.exchange)),
          rb.exchange == ExchangeVersion::v2007
              ? "Keep tenants apart with address list segregation and an OU per tenant (seed 001)."
              : "Keep tenants apart with an address book policy per tenant (New-GlobalAddressList, New-AddressList, "
                "New-OfflineAddressBook, New-AddressBookPolicy) and an email address policy for its domains."};
      for (const auto& d : tenant.domains) {
        rb.exchange_commands.push_back(
            render("accepted-domain.ps1", {{"domain", d.ascii}}));
      }
    }
  } else if (hosting_mode) {
    rb.exchange_notes = {"Removes the tenant organization with its accepted domains; move or remove its mailboxes first."};
    rb.exchange_commands.push_back(render("remove-organization.ps1", {{"name", name}}));
  } else {
    rb.exchange_notes = {"Remove the tenant's mailboxes, address book policy and email address policy first."};
    for (const auto& d : tenant.domains) {
      rb.exchange_commands.push_back(render("remove-accepted-domain.ps1", {{"domain", d.ascii}}));
    }
  }
  return rb;
}

// ---- rendering -------------------------------------------------------------------------

std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  bool markdown) {
  Table t(header);
  for (const auto& r : rows) {
    t.row(r);
  }
  return t.render(markdown);
}

std::string records_table(const std::vector<DnsRecord>& records, bool markdown) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : records) {
    rows.push_back({r.zone, r.name, r.type, r.value, r.note});
  }
  return table({"zone", "name", "type", "value", "note"}, rows, markdown);
}

std::string commands_block(const std::vector<std::string>& comments, const std::vector<std::string>& commands,
                           bool markdown) {
  std::string out = markdown ? "```powershell\n" : "";
  const std::string indent = markdown ? "" : "  ";
  for (const auto& c : comments) {
    out += indent + "# " + quote::comment(c) + "\n";
  }
  for (const auto& c : commands) {
    out += indent + c + "\n";
  }
  return out + (markdown ? "```\n" : "");
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    out += out.empty() ? "" : std::string(sep);
    out += s;
  }
  return out;
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string runbook_text(const TenantRunbook& rb, bool markdown) {
  const bool add = rb.action == TenantAction::add;
  const auto heading = [&](std::string_view title, int level) {
    if (markdown) {
      return fmt::format("{} {}\n\n", std::string(static_cast<std::size_t>(level), '#'), title);
    }
    const char underline = level == 1 ? '=' : '-';
    return fmt::format("{}\n{}\n", title, std::string(title.size(), underline));
  };
  const std::string gap = "\n";
  std::vector<std::string> domains;
  for (const auto& d : rb.tenant.domains) {
    domains.push_back(d.ascii);
  }

  std::string out = heading(fmt::format("Tenant {}: {}", add ? "onboarding" : "removal", rb.tenant.name), 1);
  out += fmt::format("Topology {}; {}; tenant autodiscover by {}; domains {}{}.\n", rb.topology_path,
                     version_label(rb.exchange), to_string(rb.autodiscover), join(domains, ", "),
                     rb.tenant.webmail ? "; webmail " + rb.tenant.webmail->ascii : std::string());
  out += add ? "The [[tenant]] table was appended to the topology file.\n"
             : "The [[tenant]] table was deleted from the topology file.\n";
  out += gap;

  out += heading(add ? "1. DNS records the tenant creates in its own zones"
                     : "1. DNS records the tenant deletes (or points elsewhere)",
                 2);
  const bool cnames = std::any_of(rb.tenant_records.begin(), rb.tenant_records.end(),
                                  [](const DnsRecord& r) { return r.type == "CNAME"; });
  if (add && cnames) {
    out += "CNAME records rather than A records, so the provider can change its IP addresses (seed 000).\n";
  }
  out += records_table(rb.tenant_records, markdown);
  if (!rb.provider_records.empty()) {
    out += gap;
    out += heading(add ? "1b. DNS records the provider adds" : "1b. DNS records the provider deletes", 2);
    out += records_table(rb.provider_records, markdown);
  }
  out += gap;

  out += heading(add ? "2. Host-header bindings the provider adds to the redirect web sites"
                     : "2. Host-header bindings the provider removes from the redirect web sites",
                 2);
  if (rb.bindings.empty()) {
    out += fmt::format("None: with [hosting] autodiscover = \"{}\" no redirect web site answers for the tenant{}.\n",
                       to_string(rb.autodiscover), rb.tenant.webmail ? "" : " and it has no webmail host");
  } else {
    std::set<std::string> servers;
    std::vector<std::string> sites;
    for (const auto& b : rb.bindings) {
      servers.insert(b.server);
      if (std::find(sites.begin(), sites.end(), b.site) == sites.end()) {
        sites.push_back(b.site);
      }
    }
    const std::vector<std::string> comments = {
        fmt::format("{}: {} seed 000 has you create on the secondary IP address", join(sites, " and "),
                    sites.size() == 1 ? "one of the two HTTP redirect web sites" : "the two HTTP redirect web sites"),
        "(seed 000 does not name them; use your sites' names). IIS WebAdministration module."};
    std::vector<std::string> commands;
    std::string server;
    for (const auto& b : rb.bindings) {
      // Each server runs its own copy of the sites; say where when there are several.
      if (servers.size() > 1 && b.server != server) {
        commands.push_back("# on " + quote::comment(b.server));
      }
      server = b.server;
      commands.push_back(b.command);
    }
    out += commands_block(comments, commands, markdown);
  }
  out += gap;

  out += heading("3. Certificates", 2);
  if (rb.certificates.empty()) {
    out += "No certificate change: the planned certificates carry the same names with and without this tenant";
    out += rb.autodiscover == AutodiscoverMethod::san
               ? ".\n"
               : fmt::format(" ([hosting] autodiscover = \"{}\" keeps tenant names off certificates).\n",
                             to_string(rb.autodiscover));
  } else {
    for (const auto& c : rb.certificates) {
      std::string line;
      if (c.change == "retired") {
        line = fmt::format("retire {}: no longer planned (it held {}); remove it from the servers", c.id,
                           join(c.dropped, ", "));
      } else if (c.change == "new") {
        line = fmt::format("re-issue {} (a new certificate): {}: {}", c.id, plural(c.sans_after, "SAN", "SANs"),
                           join(c.added, ", "));
      } else {
        line = fmt::format("re-issue {}: {} (was {})", c.id, plural(c.sans_after, "SAN", "SANs"), c.sans_before);
        if (!c.added.empty()) {
          line += ", adds " + join(c.added, ", ");
        }
        if (!c.dropped.empty()) {
          line += ", without " + join(c.dropped, ", ");
        }
        if (c.added.empty() && c.dropped.empty()) {
          line += ", same names in a new order";
        }
      }
      out += (markdown ? "- " : "  ") + line + "\n";
      if (!c.command.empty()) {
        out += markdown ? fmt::format("\n  ```powershell\n  {}\n  ```\n", c.command) : "      " + c.command + "\n";
      }
    }
  }
  out += gap;

  out += heading("4. Exchange commands (Exchange Management Shell)", 2);
  out += commands_block(rb.exchange_notes, rb.exchange_commands, markdown);
  return out;
}

ordered_json records_json(const std::vector<DnsRecord>& records) {
  ordered_json out = ordered_json::array();
  for (const auto& r : records) {
    out.push_back(ordered_json{{"name", r.name}, {"type", r.type}, {"value", r.value},
                               {"zone", r.zone}, {"view", r.view}, {"note", r.note}});
  }
  return out;
}

std::string runbook_json(const TenantRunbook& rb) {
  ordered_json domains = ordered_json::array();
  for (const auto& d : rb.tenant.domains) {
    domains.push_back(d.ascii);
  }
  ordered_json bindings = ordered_json::array();
  for (const auto& b : rb.bindings) {
    bindings.push_back(ordered_json{{"site", b.site}, {"server", b.server}, {"ip", b.ip},
                                    {"port", b.port}, {"host", b.host}, {"command", b.command}});
  }
  ordered_json certificates = ordered_json::array();
  for (const auto& c : rb.certificates) {
    certificates.push_back(ordered_json{{"id", c.id},
                                        {"change", c.change},
                                        {"reissue", c.change != "retired"},
                                        {"sans_before", c.sans_before},
                                        {"sans_after", c.sans_after},
                                        {"added", c.added},
                                        {"dropped", c.dropped},
                                        {"exchange_command", c.command}});
  }
  const bool reissue = std::any_of(rb.certificates.begin(), rb.certificates.end(),
                                   [](const CertificateChange& c) { return c.change != "retired"; });
  const ordered_json j{
      {"schema", "certplan.tenant/1"},
      {"action", to_string(rb.action)},
      {"topology", rb.topology_path},
      {"tenant", ordered_json{{"name", rb.tenant.name},
                              {"domains", std::move(domains)},
                              {"webmail", rb.tenant.webmail ? ordered_json(rb.tenant.webmail->ascii) : ordered_json()}}},
      {"exchange", to_string(rb.exchange)},
      {"autodiscover", to_string(rb.autodiscover)},
      {"dns_records", records_json(rb.tenant_records)},
      {"provider_dns_records", records_json(rb.provider_records)},
      {"bindings", std::move(bindings)},
      {"certificate_change", !rb.certificates.empty()},
      {"reissue", reissue},
      {"certificates", std::move(certificates)},
      {"exchange_notes", rb.exchange_notes},
      {"exchange_commands", rb.exchange_commands},
  };
  return j.dump(2) + "\n";
}

} // namespace

std::string_view to_string(TenantAction a) {
  return a == TenantAction::add ? "add" : "remove";
}

namespace {

// The topology text with the requested [[tenant]] table appended, exactly as add_tenant writes
// it; "" when the request would be refused for a name or domain that does not normalise.
std::string appended_text(std::string_view text, const TenantRequest& request) {
  std::vector<std::string> written; // as they go into the file
  for (const auto& d : request.domains) {
    std::string why;
    const auto h = normalize_host(d, why);
    if (!h) {
      return "";
    }
    // Keep a Unicode name as the user wrote it (the loader maps it again); ASCII in canonical form.
    written.push_back(is_ascii(d) ? h->ascii : std::string(d.ends_with('.') ? d.substr(0, d.size() - 1) : d));
  }
  std::string webmail;
  if (!request.webmail.empty()) {
    std::string why;
    const auto h = normalize_host(request.webmail, why);
    if (!h) {
      return "";
    }
    webmail = is_ascii(request.webmail) ? h->ascii : request.webmail;
  }
  const std::string_view eol = eol_of(text);
  std::string out(text);
  if (!out.empty() && !out.ends_with('\n')) {
    out += eol;
  }
  std::string quoted;
  for (const auto& d : written) {
    quoted += quoted.empty() ? "" : ", ";
    quoted += quote::toml_basic(d);
  }
  out += fmt::format("{0}[[tenant]]{0}name = {1}{0}domains = [{2}]{0}", eol, quote::toml_basic(request.name), quoted);
  if (!webmail.empty()) {
    out += fmt::format("webmail = {}{}", quote::toml_basic(webmail), eol);
  }
  return out;
}

} // namespace

std::pair<std::size_t, std::size_t> tenant_block(std::string_view text, const std::string& path, std::string_view name) {
  const toml::table root = parse_toml(text, path);
  const toml::table* target = nullptr;
  if (const auto* list = root.get_as<toml::array>("tenant")) {
    for (const auto& e : *list) {
      const auto* t = e.as_table();
      const auto* n = t != nullptr ? t->get_as<std::string>("name") : nullptr;
      if (n != nullptr && n->get() == name) {
        target = t;
        break;
      }
    }
  }
  if (target == nullptr) {
    throw Error(ErrorKind::input, fmt::format("tenant remove: no tenant '{}' in {}; nothing written", name, path));
  }
  const SourcePos where = node_pos(path, target, {path, 0, 0});
  const Lines lines(text);
  const std::size_t header = target->source().begin.line;
  if (target->is_inline() || header == 0 || header > lines.count() || !lines.header(header)) {
    throw Error(ErrorKind::input,
                fmt::format("tenant remove: tenant '{}' is not written as a [[tenant]] table of its own; remove it "
                            "by hand; nothing written",
                            name),
                where);
  }
  std::set<std::size_t> headers;
  header_lines(root, target, lines, headers);
  const auto next = headers.upper_bound(header);
  std::size_t last = next == headers.end() ? lines.count() : *next - 1;
  // Comments and blank lines before the next header introduce what follows.
  const std::size_t floor = std::max<std::size_t>(header, last_value_line(*target));
  while (last > floor && (lines.blank(last) || lines.comment(last))) {
    --last;
  }
  std::size_t begin = lines.begin(header);
  if (header > 1 && lines.blank(header - 1)) {
    begin = lines.begin(header - 1);
  }
  return {begin, lines.end(last)};
}

TenantEdit add_tenant(std::string_view text, const std::string& path, const TenantRequest& request,
                      const ClientCatalog& catalog) {
  // What the file will say once the request is valid depends on the request alone, so the
  // edited text is read back on another core while the file as it is loads here. Whatever
  // goes wrong is still said in the order it always was.
  std::string out = appended_text(text, request);
  std::future<Topology> after_job; // after `out`: destroyed (so waited for) before it
  if (!out.empty()) {
    after_job = std::async(std::launch::async, [&] { return reparse(out, path, catalog, "add"); });
  }
  const Topology before = parse_topology(text, path, catalog);
  require_hosted(before, "add");
  // The plan without the tenant is needed for the runbook (and its namespaces for --webmail):
  // made on another core while the request is checked.
  auto plan_before = std::async(std::launch::async, [&] { return make_plan(before, catalog); }).share();
  const Hosting& hosting = *before.hosting;

  const auto& name = request.name;
  if (name.find_first_not_of(" \t") == std::string::npos) {
    throw Error(ErrorKind::usage, "tenant add: --name must not be empty");
  }
  if (std::any_of(name.begin(), name.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    throw Error(ErrorKind::usage, "tenant add: --name must not contain control characters");
  }
  // Organization names are directory names: Active Directory compares them without case.
  for (const auto& t : before.tenants) {
    if (lower_ascii(t.name) == lower_ascii(name)) {
      throw Error(ErrorKind::input,
                  t.name == name ? fmt::format("tenant add: tenant '{}' already exists (at {})", name, t.pos.to_string())
                                 : fmt::format("tenant add: tenant '{}' already exists as '{}' (at {})", name, t.name,
                                               t.pos.to_string()));
    }
  }

  if (request.domains.empty()) {
    throw Error(ErrorKind::usage, "tenant add: give at least one --domain");
  }
  // Who owns each domain already; where the file says so is looked up only for a clash (it
  // takes a parse of the whole file).
  struct Owner {
    enum class Kind { forest, provider, tenant } kind;
    std::size_t i = 0, j = 0; // forest or tenant, and the domain's index in its list
  };
  std::unordered_map<std::string, Owner> owners;
  owners.reserve(16 + 2 * before.tenants.size());
  for (std::size_t i = 0; i < before.forests.size(); ++i) {
    const auto& f = before.forests[i];
    for (std::size_t j = 0; j < f.smtp_domains.size(); ++j) {
      owners.emplace(f.smtp_domains[j].ascii, Owner{Owner::Kind::forest, i, j});
    }
  }
  owners.emplace(hosting.provider_domain.ascii, Owner{Owner::Kind::provider});
  for (std::size_t i = 0; i < before.tenants.size(); ++i) {
    const auto& t = before.tenants[i];
    for (std::size_t j = 0; j < t.domains.size(); ++j) {
      owners.emplace(t.domains[j].ascii, Owner{Owner::Kind::tenant, i, j});
    }
  }
  const auto owner_words = [&](const Owner& o) -> std::pair<std::string, SourcePos> {
    const toml::table root = parse_toml(text, path);
    switch (o.kind) {
    case Owner::Kind::forest: {
      const auto& f = before.forests[o.i];
      const auto* list = root["forest"][o.i]["smtp_domains"].as_array();
      return {"forest '" + f.name + "'", node_pos(path, list ? list->get(o.j) : nullptr, f.pos)};
    }
    case Owner::Kind::provider:
      return {"the provider (provider_domain)", node_pos(path, root["hosting"]["provider_domain"].node(), hosting.pos)};
    case Owner::Kind::tenant: {
      const auto& t = before.tenants[o.i];
      const auto* list = root["tenant"][o.i]["domains"].as_array();
      return {"tenant '" + t.name + "'", node_pos(path, list ? list->get(o.j) : nullptr, t.pos)};
    }
    }
    return {};
  };
  std::set<std::string> asked;
  for (const auto& d : request.domains) {
    std::string why;
    const auto h = normalize_host(d, why);
    if (!h) {
      throw Error(ErrorKind::usage, fmt::format("tenant add: invalid domain \"{}\": {}", d, why));
    }
    if (!asked.insert(h->ascii).second) {
      throw Error(ErrorKind::usage, fmt::format("tenant add: domain \"{}\" is given twice", d));
    }
    if (const auto it = owners.find(h->ascii); it != owners.end()) {
      const auto [who, where] = owner_words(it->second);
      throw Error(ErrorKind::input, fmt::format("tenant add: domain \"{}\" already belongs to {} (at {})", h->ascii,
                                                who, where.to_string()));
    }
  }

  if (!request.webmail.empty()) {
    std::string why;
    const auto h = normalize_host(request.webmail, why);
    if (!h) {
      throw Error(ErrorKind::usage, fmt::format("tenant add: invalid --webmail host \"{}\": {}", request.webmail, why));
    }
    if (!hosting.webmail_redirect_host) {
      throw Error(ErrorKind::input,
                  fmt::format("tenant add: --webmail needs [hosting] webmail_redirect_host in {} (the web site that "
                              "redirects it); nothing written",
                              path),
                  hosting.pos);
    }
    for (const auto& ns : plan_before.get().namespaces) {
      if (ns.fqdn == *h) {
        throw Error(ErrorKind::input,
                    fmt::format("tenant add: webmail host \"{}\" is already planned ({}{})", h->ascii, to_string(ns.role),
                                ns.tenant.empty() ? std::string() : " of tenant '" + ns.tenant + "'"));
      }
    }
  }

  if (out.empty()) { // appended_text fails only where the checks above throw
    throw Error(ErrorKind::internal, "tenant add: the request passed its checks but could not be written");
  }
  const Topology after = after_job.get();
  const auto it = std::find_if(after.tenants.begin(), after.tenants.end(), [&](const Tenant& t) { return t.name == name; });
  if (it == after.tenants.end()) {
    throw Error(ErrorKind::internal, fmt::format("tenant add: the appended tenant '{}' did not load back", name));
  }
  const Plan plan_after = make_plan(after, catalog);
  TenantEdit edit;
  edit.runbook = make_runbook(TenantAction::add, after, *it, plan_after, plan_before.get());
  edit.text = std::move(out);
  return edit;
}

TenantEdit remove_tenant(std::string_view text, const std::string& path, std::string_view name,
                         const ClientCatalog& catalog) {
  // Where the table is in the text, found on another core while the topology loads; its
  // errors are said after the load's, as always.
  auto block_job = std::async(std::launch::async, [&] { return tenant_block(text, path, name); });
  const Topology before = parse_topology(text, path, catalog);
  require_hosted(before, "remove");
  const auto it = std::find_if(before.tenants.begin(), before.tenants.end(), [&](const Tenant& t) { return t.name == name; });
  if (it == before.tenants.end()) {
    throw Error(ErrorKind::input, fmt::format("tenant remove: no tenant '{}' in {} (its tenants: {}); nothing written",
                                              name, path, names_list(before.tenants)));
  }
  // The plan with the tenant, for the runbook, on another core while the edit is read back.
  auto plan_before = std::async(std::launch::async, [&] { return make_plan(before, catalog); });
  const auto [begin, end] = block_job.get();
  std::string out;
  out.reserve(text.size() - (end - begin));
  out.append(text.substr(0, begin));
  out.append(text.substr(end));
  const Topology after = reparse(out, path, catalog, "remove");
  const Plan plan_after = make_plan(after, catalog);
  TenantEdit edit;
  edit.runbook = make_runbook(TenantAction::remove, before, *it, plan_before.get(), plan_after);
  edit.text = std::move(out);
  return edit;
}

std::string render_tenant_runbook(const TenantRunbook& runbook, Format format) {
  switch (format) {
  case Format::json: return runbook_json(runbook);
  case Format::markdown: return runbook_text(runbook, true);
  case Format::text: return runbook_text(runbook, false);
  }
  return runbook_text(runbook, false);
}

} // namespace certplan
