// The loaders: each top-level table of a topology (topology.md) read into the model, every
// value checked where it is read, with its position.
#include <certplan/quote.hpp>

#include "topology/enum_tables.hpp"
#include "topology/loader.hpp"
#include "topology/schema.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <unordered_map>

namespace certplan::detail {
namespace {

bool valid_ip(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

} // namespace

namespace tables = topology_tables;
namespace schema = topology_schema;

HostName Loader::host(const toml::node& n, std::string_view key) const {
  const std::string s = string(n, key);
  std::string why;
  auto h = normalize_host(s, why);
  if (!h) {
    // Quoted and escaped as TOML writes it, so a NUL or a line break in the value shows as
    // \u0000 or \n in the message instead of reaching the terminal.
    fail(n, fmt::format("invalid host name {} for '{}': {}", quote::toml_basic(s), key, why));
  }
  return *h;
}

std::vector<HostName> Loader::host_list(const toml::node& n, std::string_view key, bool required_nonempty) const {
  const auto& arr = array(n, key);
  if (required_nonempty && arr.empty()) {
    fail(n, fmt::format("'{}' needs at least one name", key));
  }
  std::vector<HostName> out;
  for (const auto& e : arr) {
    HostName h = host(e, key);
    if (std::find(out.begin(), out.end(), h) != out.end()) {
      fail(e, fmt::format("\"{}\" is listed twice in '{}'", h.display, key));
    }
    out.push_back(std::move(h));
  }
  return out;
}

std::string Loader::ip(const toml::node& n, std::string_view key) const {
  std::string s = string(n, key);
  if (!valid_ip(s)) {
    fail(n, fmt::format("'{}' must be an IPv4 or IPv6 address, not \"{}\"", key, s));
  }
  return s;
}

void Loader::load_organization(const toml::table& root, Topology& topo) const {
  const toml::node* n = root.get("organization");
  if (n == nullptr) {
    throw_input(m_root_pos, "missing required table [organization]");
  }
  const auto& t = table(*n, "organization");
  check_keys(t, schema::k_org_keys, "[organization]");
  auto& org = topo.organization;
  org.pos = pos(t);
  org.name = nonempty_string(require(t, "name", "[organization]"), "name");
  if (const auto* e = t.get("exchange")) {
    org.exchange = choice(*e, "exchange", tables::k_exchange_versions);
  }
  const auto& m = require(t, "model", "[organization]");
  org.model = choice(m, "model", tables::k_models);
  org.model_pos = pos(m);
}

void Loader::load_forests(const toml::table& root, Topology& topo) const {
  const toml::node* n = root.get("forest");
  if (n == nullptr) {
    throw_input(m_root_pos, "missing [[forest]]: at least one forest is required");
  }
  const auto list = tables(*n, "forest");
  if (list.empty()) {
    fail(*n, "'forest' needs at least one [[forest]] table");
  }
  std::map<std::string, SourcePos> seen_domains;
  for (const auto* t : list) {
    check_keys(*t, schema::k_forest_keys, "[[forest]]");
    Forest f;
    f.pos = pos(*t);
    f.name = nonempty_string(require(*t, "name", "[[forest]]"), "name");
    for (const auto& other : topo.forests) {
      if (other.name == f.name) {
        fail(*t->get("name"), fmt::format("duplicate forest name '{}' (first defined at {})", f.name, other.pos.to_string()));
      }
    }
    if (const auto* ad = t->get("ad_domain")) {
      f.ad_domain = host(*ad, "ad_domain");
    }
    const auto& sd = require(*t, "smtp_domains", "[[forest]]");
    f.smtp_domains = host_list(sd, "smtp_domains", true);
    for (std::size_t i = 0; i < f.smtp_domains.size(); ++i) {
      const auto& d = f.smtp_domains[i];
      const auto [it, fresh] = seen_domains.emplace(d.ascii, pos(*sd.as_array()->get(i)));
      if (!fresh) {
        fail(*sd.as_array()->get(i),
             fmt::format("SMTP domain \"{}\" already belongs to another forest (at {})", d.display, it->second.to_string()));
      }
    }
    topo.forests.push_back(std::move(f));
  }
}

Server Loader::load_server(const toml::table& t) const {
  check_keys(t, schema::k_server_keys, "[[site.server]]");
  Server s;
  s.pos = pos(t);
  const auto& nn = require(t, "name", "[[site.server]]");
  s.name = nonempty_string(nn, "name");
  // NetBIOS computer names: at most 15 characters, no dots.
  if (s.name.size() > 15 || s.name.find_first_of(". \\/:*?\"<>|") != std::string::npos) {
    fail(nn, fmt::format("server name \"{}\" is not a NetBIOS name (at most 15 characters, no dots)", s.name));
  }
  if (const auto* f = t.get("fqdn")) {
    s.fqdn = host(*f, "fqdn");
  }
  if (const auto* r = t.get("roles")) {
    for (const auto& e : array(*r, "roles")) {
      s.roles.push_back(one_of(e, "roles", schema::k_roles));
    }
  } else {
    s.roles = {"client-access", "mailbox"};
  }
  if (const auto* i = t.get("ip")) {
    s.ip = ip(*i, "ip");
  }
  if (const auto* i = t.get("secondary_ip")) {
    s.secondary_ip = ip(*i, "secondary_ip");
  }
  return s;
}

void Loader::load_sites(const toml::table& root, Topology& topo) const {
  const toml::node* n = root.get("site");
  if (n == nullptr) {
    throw_input(m_root_pos, "missing [[site]]: at least one site is required");
  }
  const auto list = tables(*n, "site");
  if (list.empty()) {
    fail(*n, "'site' needs at least one [[site]] table");
  }
  for (const auto* t : list) {
    check_keys(*t, schema::k_site_keys, "[[site]]");
    Site s;
    s.pos = pos(*t);
    s.name = nonempty_string(require(*t, "name", "[[site]]"), "name");
    for (const auto& other : topo.sites) {
      if (other.name == s.name) {
        fail(*t->get("name"), fmt::format("duplicate site name '{}' (first defined at {})", s.name, other.pos.to_string()));
      }
    }
    if (const auto* f = t->get("forest")) {
      s.forest = nonempty_string(*f, "forest");
      const bool known = std::any_of(topo.forests.begin(), topo.forests.end(),
                                     [&](const Forest& x) { return x.name == s.forest; });
      if (!known) {
        std::string names;
        for (const auto& x : topo.forests) {
          names += names.empty() ? x.name : ", " + x.name;
        }
        fail(*f, fmt::format("site '{}' names forest '{}', which is not defined (forests: {})", s.name, s.forest, names));
      }
    } else if (topo.forests.size() == 1) {
      s.forest = topo.forests.front().name;
    } else {
      fail(*t, fmt::format("site '{}' must name its forest: there are {} forests", s.name, topo.forests.size()));
    }
    if (const auto* ns = t->get("namespace")) {
      s.ns = host(*ns, "namespace");
      s.ns_pos = pos(*ns);
    }
    if (const auto* i = t->get("internet_facing")) {
      s.internet_facing = boolean(*i, "internet_facing");
    } else {
      s.internet_facing = s.ns.has_value(); // documented default
    }
    if (s.internet_facing && !s.ns) {
      fail(*t, fmt::format("site '{}' is internet-facing and needs 'namespace'", s.name));
    }
    if (const auto* l = t->get("legacy_namespace")) {
      s.legacy_ns = host(*l, "legacy_namespace");
      if (s.ns && *s.legacy_ns == *s.ns) {
        fail(*l, "'legacy_namespace' must differ from 'namespace'");
      }
    }
    if (const auto* sv = t->get("server")) {
      for (const auto* st : tables(*sv, "server")) {
        Server server = load_server(*st);
        for (const auto& other : s.servers) {
          if (other.name == server.name) {
            fail(*st->get("name"), fmt::format("duplicate server name '{}' in site '{}'", server.name, s.name));
          }
        }
        s.servers.push_back(std::move(server));
      }
    }
    topo.sites.push_back(std::move(s));
  }
}

void Loader::load_services(const toml::table& root, Topology& topo) const {
  const auto v = topo.organization.exchange;
  auto& sv = topo.services;
  // Defaults by version: ECP arrived in 2010, MAPI over HTTP is on by default from 2016.
  sv.ecp = v >= ExchangeVersion::v2010;
  sv.mapi = v >= ExchangeVersion::v2016;
  const toml::node* n = root.get("services");
  if (n == nullptr) {
    return;
  }
  const auto& t = table(*n, "services");
  check_keys(t, schema::k_service_keys, "[services]");
  for (const auto& [k, node] : t) {
    const auto key = k.str();
    const auto service = *service_from_string(key);
    if (service == Service::pop3 || service == Service::imap4 || service == Service::smtp) {
      ProtocolService p;
      if (node.is_boolean()) {
        p.enabled = node.as_boolean()->get();
      } else if (node.is_table()) {
        const auto& pt = *node.as_table();
        check_keys(pt, schema::k_protocol_keys, fmt::format("[services.{}]", key));
        p.enabled = true;
        p.host = host(require(pt, "host", fmt::format("'{}'", key)), "host");
      } else {
        fail(node, fmt::format("'{}' must be a boolean or {{ host = \"...\" }}, not {}", key, toml_type_name(node.type())));
      }
      (service == Service::pop3 ? sv.pop3 : service == Service::imap4 ? sv.imap4 : sv.smtp) = p;
      continue;
    }
    const bool on = boolean(node, key);
    if (on && service == Service::ecp && v < ExchangeVersion::v2010) {
      fail(node, "'ecp' needs Exchange 2010 or later");
    }
    if (on && service == Service::mapi && v < ExchangeVersion::v2013) {
      fail(node, "'mapi' (MAPI over HTTP) needs Exchange 2013 SP1 or later");
    }
    if (on && service == Service::um && v >= ExchangeVersion::v2019) {
      fail(node, "'um': Unified Messaging was removed in Exchange 2019");
    }
    switch (service) {
    case Service::owa: sv.owa = on; break;
    case Service::ecp: sv.ecp = on; break;
    case Service::ews: sv.ews = on; break;
    case Service::oab: sv.oab = on; break;
    case Service::activesync: sv.activesync = on; break;
    case Service::outlook_anywhere: sv.outlook_anywhere = on; break;
    case Service::mapi: sv.mapi = on; break;
    case Service::autodiscover: sv.autodiscover = on; break;
    case Service::um: sv.um = on; break;
    default: break;
    }
  }
}

void Loader::load_clients(const toml::table& root, Topology& topo) const {
  const toml::node* n = root.get("clients");
  if (n == nullptr) {
    return;
  }
  const auto& t = table(*n, "clients");
  check_keys(t, schema::k_client_keys, "[clients]");
  if (const auto* s = t.get("supported")) {
    for (const auto& e : array(*s, "supported")) {
      const std::string id = string(e, "supported");
      if (m_clients.find(id) == nullptr) {
        fail(e, fmt::format("unknown client \"{}\"; known clients: {}", id, m_clients.ids_joined()));
      }
      for (const auto& c : topo.clients) {
        if (c.id == id) {
          fail(e, fmt::format("client \"{}\" is listed twice", id));
        }
      }
      topo.clients.push_back({id, pos(e)});
    }
  }
}

void Loader::load_certificates(const toml::table& root, Topology& topo) const {
  auto& c = topo.certificates;
  c.pos = m_root_pos;
  const toml::node* n = root.get("certificates");
  if (n == nullptr) {
    return;
  }
  const auto& t = table(*n, "certificates");
  c.pos = pos(t);
  check_keys(t, schema::k_cert_keys, "[certificates]");
  if (const auto* x = t.get("strategy")) {
    c.strategy = choice(*x, "strategy", tables::k_strategies);
  }
  if (const auto* x = t.get("authority")) {
    c.authority = choice(*x, "authority", tables::k_authorities);
  }
  if (const auto* x = t.get("max_names")) {
    const auto v = integer(*x, "max_names");
    if (v < 1 || v > 10000) {
      fail(*x, fmt::format("'max_names' must be between 1 and 10000, not {}", v));
    }
    c.max_names = static_cast<unsigned>(v);
  }
  if (const auto* x = t.get("key")) {
    const std::string k = string(*x, "key");
    one_of(*x, "key", schema::k_keys);
    const auto colon = k.find(':');
    c.key = {k.substr(0, colon), k.substr(colon + 1)};
  }
  if (const auto* x = t.get("autodiscover")) {
    c.autodiscover = choice(*x, "autodiscover", tables::k_autodiscover_methods);
  }
  if (const auto* x = t.get("include_internal_names")) {
    c.include_internal_names = boolean(*x, "include_internal_names");
    // R6: CAs stopped issuing internal names on public certificates by 2015-11-01.
    if (c.include_internal_names && c.authority == Authority::public_) {
      fail(*x, "'include_internal_names = true' needs authority = \"enterprise\" or \"self-signed\": public CAs "
               "may not certify internal names (R6, CA/B BR 4.2.2); use split DNS so internal URLs use the "
               "external namespace");
    }
  }
  if (const auto* x = t.get("include_server_fqdn")) {
    c.include_server_fqdn = boolean(*x, "include_server_fqdn");
  }
  if (const auto* x = t.get("subject")) {
    const auto& st = table(*x, "subject");
    check_keys(st, schema::k_subject_keys, "[certificates.subject]");
    auto& s = c.subject;
    if (const auto* y = st.get("country")) {
      s.country = string(*y, "country");
      const bool ok = s.country.size() == 2 && std::isupper(static_cast<unsigned char>(s.country[0])) &&
                      std::isupper(static_cast<unsigned char>(s.country[1]));
      if (!ok) {
        fail(*y, fmt::format("'country' must be a two-letter ISO 3166 code in capitals (\"US\"), not \"{}\"", s.country));
      }
    }
    // X.520 upper bounds (RFC 5280 Appendix A.1): ub-state-name and ub-locality-name 128,
    // ub-organization-name and ub-organizational-unit-name 64, counted in characters.
    struct Field {
      std::string_view key;
      std::string* value;
      std::size_t bound;
    };
    for (const auto& [key, field, bound] : std::array<Field, 4>{{{"state", &s.state, 128},
                                                                 {"locality", &s.locality, 128},
                                                                 {"organization", &s.organization, 64},
                                                                 {"unit", &s.unit, 64}}}) {
      if (const auto* y = st.get(key)) {
        *field = nonempty_string(*y, key);
        const auto chars = static_cast<std::size_t>(std::count_if(
            field->begin(), field->end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
        if (chars > bound) {
          fail(*y, fmt::format("'{}' is {} characters long; X.520 allows at most {}", key, chars, bound));
        }
      }
    }
  }
}

void Loader::load_hosting(const toml::table& root, Topology& topo) const {
  const toml::node* n = root.get("hosting");
  if (n == nullptr) {
    if (topo.organization.model == Model::hosted) {
      throw_input(topo.organization.model_pos, "model \"hosted\" needs a [hosting] table (provider_domain, autodiscover, ...)");
    }
    return;
  }
  const auto& t = table(*n, "hosting");
  if (topo.organization.model != Model::hosted) {
    fail(t, fmt::format("[hosting] is only allowed with model = \"hosted\" (the model is \"{}\")",
                        to_string(topo.organization.model)));
  }
  check_keys(t, schema::k_hosting_keys, "[hosting]");
  Hosting h;
  h.pos = pos(t);
  h.provider_domain = host(require(t, "provider_domain", "[hosting]"), "provider_domain");
  if (const auto* x = t.get("autodiscover")) {
    h.autodiscover = choice(*x, "autodiscover", tables::k_autodiscover_methods);
  }
  if (const auto* x = t.get("redirect_host")) {
    h.redirect_host = host(*x, "redirect_host");
  } else if (h.autodiscover == AutodiscoverMethod::redirect) {
    // Seed 002's name for the redirect web site.
    std::string why;
    h.redirect_host = normalize_host("autodiscoverredirect." + h.provider_domain.ascii, why);
  }
  if (const auto* x = t.get("webmail_redirect_host")) {
    h.webmail_redirect_host = host(*x, "webmail_redirect_host");
  }
  topo.hosting = std::move(h);
}

void Loader::load_tenants(const toml::table& root, Topology& topo) const {
  const toml::node* n = root.get("tenant");
  if (n == nullptr) {
    return;
  }
  if (topo.organization.model != Model::hosted) {
    fail(*n, fmt::format("[[tenant]] is only allowed with model = \"hosted\" (the model is \"{}\")",
                         to_string(topo.organization.model)));
  }
  // domain -> its owner: an index into `others` (forests, the provider), else others.size()
  // plus the tenant's index. A hoster has many thousands of tenants: hashed, no strings made.
  std::vector<std::string> others;
  std::unordered_map<std::string, std::size_t> owner;
  for (const auto& f : topo.forests) {
    others.push_back("forest '" + f.name + "'");
    for (const auto& d : f.smtp_domains) {
      owner.emplace(d.ascii, others.size() - 1);
    }
  }
  others.emplace_back("the provider");
  owner.emplace(topo.hosting->provider_domain.ascii, others.size() - 1);
  const auto owner_name = [&](std::size_t i) {
    return i < others.size() ? others[i] : "tenant '" + topo.tenants[i - others.size()].name + "'";
  };
  const auto all = tables(*n, "tenant");
  if (const std::size_t limit = m_limits.max_tenants; all.size() > limit) {
    throw Error(ErrorKind::input, fmt::format("more than {} tenants ({} in all)", limit, all.size()), pos(*all[limit]),
                Limit::tenants);
  }
  topo.tenants.reserve(all.size());
  owner.reserve(owner.size() + 2 * all.size());
  std::unordered_map<std::string, std::size_t> tenant_index;
  tenant_index.reserve(all.size());
  std::unordered_map<std::string, std::size_t> webmail_owner; // webmail host -> tenant index
  for (const auto* t : all) {
    check_keys(*t, schema::k_tenant_keys, "[[tenant]]");
    Tenant tn;
    tn.pos = pos(*t);
    tn.name = nonempty_string(require(*t, "name", "[[tenant]]"), "name");
    // A hoster has many thousands of tenants: look names up, don't scan.
    if (const auto [it, fresh] = tenant_index.emplace(tn.name, topo.tenants.size()); !fresh) {
      fail(*t->get("name"), fmt::format("duplicate tenant name '{}' (first defined at {})", tn.name,
                                        topo.tenants[it->second].pos.to_string()));
    }
    const auto& dn = require(*t, "domains", "[[tenant]]");
    tn.domains = host_list(dn, "domains", true);
    for (std::size_t i = 0; i < tn.domains.size(); ++i) {
      const auto [it, fresh] = owner.emplace(tn.domains[i].ascii, others.size() + topo.tenants.size());
      if (!fresh) {
        fail(*dn.as_array()->get(i),
             fmt::format("domain \"{}\" already belongs to {}", tn.domains[i].display, owner_name(it->second)));
      }
    }
    if (const auto* w = t->get("webmail")) {
      tn.webmail = host(*w, "webmail");
      if (!topo.hosting->webmail_redirect_host) {
        fail(*w, "a tenant 'webmail' host needs [hosting] webmail_redirect_host (the site that redirects it)");
      }
      // The DNS plan publishes a tenant's webmail host and each POP3/IMAP4/SMTP host as a CNAME;
      // one name with two CNAMEs is no valid zone (RFC 1034 3.6.2, RFC 2181 10.1), so refuse it here.
      for (const auto& [label, p] : {std::pair{"POP3", &topo.services.pop3}, std::pair{"IMAP4", &topo.services.imap4},
                                     std::pair{"SMTP", &topo.services.smtp}}) {
        if (p->enabled && p->host && *p->host == *tn.webmail) {
          fail(*w, fmt::format("\"{}\" is tenant '{}''s webmail host and the {} host: both would be a CNAME for one "
                               "name (RFC 2181 10.1); give one of them another name",
                               tn.webmail->display, tn.name, label));
        }
      }
      if (const auto [it, fresh] = webmail_owner.emplace(tn.webmail->ascii, topo.tenants.size()); !fresh) {
        fail(*w, fmt::format("\"{}\" is already tenant '{}''s webmail host", tn.webmail->display,
                             topo.tenants[it->second].name));
      }
    }
    topo.tenants.push_back(std::move(tn));
  }
}

void Loader::load_installed(const toml::table& root, Topology& topo) const {
  const toml::node* n = root.get("installed");
  if (n == nullptr) {
    return;
  }
  for (const auto* t : tables(*n, "installed")) {
    check_keys(*t, schema::k_installed_keys, "[[installed]]");
    Installed in;
    in.pos = pos(*t);
    in.file = nonempty_string(require(*t, "file", "[[installed]]"), "file");
    if (const auto* s = t->get("services")) {
      for (const auto& e : array(*s, "services")) {
        in.services.emplace_back(to_string(choice(e, "services", tables::k_cert_services)));
      }
    } else {
      in.services = {std::string(to_string(CertService::iis))};
    }
    if (const auto* s = t->get("sites")) {
      for (const auto& e : array(*s, "sites")) {
        const std::string name = string(e, "sites");
        if (std::none_of(topo.sites.begin(), topo.sites.end(), [&](const Site& x) { return x.name == name; })) {
          fail(e, fmt::format("unknown site '{}'", name));
        }
        in.sites.push_back(name);
      }
    }
    if (const auto* o = t->get("own_address")) {
      in.own_address = boolean(*o, "own_address");
    }
    topo.installed.push_back(std::move(in));
  }
}

} // namespace certplan::detail
