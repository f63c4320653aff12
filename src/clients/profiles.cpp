// Client profiles: parsed from data/clients/*.toml (embedded). Strict like the topology
// loader: a profile with an unknown key or value is a build-breaking test failure, not a
// silently different plan.
#include <certplan/clients.hpp>
#include <certplan/error.hpp>
#include <certplan/resources.hpp>

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>

namespace certplan {
namespace {

template <typename E, std::size_t N>
E parse_choice(const toml::table& t, std::string_view key, const std::array<std::pair<std::string_view, E>, N>& table,
               const std::string& doc) {
  const auto* n = t.get(key);
  if (n == nullptr || !n->is_string()) {
    throw Error(ErrorKind::internal, fmt::format("client profile {}: '{}' is missing or not a string", doc, key));
  }
  const std::string_view v = n->as_string()->get();
  for (const auto& [name, e] : table) {
    if (name == v) {
      return e;
    }
  }
  const auto& src = n->source().begin;
  throw Error(ErrorKind::internal, fmt::format("client profile {}:{}:{}: '{}' has unknown value \"{}\"", doc, src.line,
                                               src.column, key, v));
}

constexpr std::array<std::pair<std::string_view, Tri>, 3> k_tri = {{{"yes", Tri::yes}, {"no", Tri::no}, {"unknown", Tri::unknown}}};
constexpr std::array<std::pair<std::string_view, Follow>, 4> k_follow = {
    {{"prompt", Follow::prompt}, {"silent", Follow::silent}, {"no", Follow::no}, {"unknown", Follow::unknown}}};
constexpr std::array<std::pair<std::string_view, WildcardSupport>, 3> k_wildcard = {
    {{"none", WildcardSupport::none}, {"leftmost", WildcardSupport::leftmost}, {"partial", WildcardSupport::partial}}};
constexpr std::array<std::pair<std::string_view, NameSource>, 3> k_name_source = {
    {{"san-only", NameSource::san_only}, {"san-or-cn", NameSource::san_or_cn}, {"cn-only", NameSource::cn_only}}};
constexpr std::array<std::pair<std::string_view, OaPrincipal>, 3> k_oa = {
    {{"cn", OaPrincipal::cn}, {"any-san", OaPrincipal::any_san}, {"none", OaPrincipal::none}}};
constexpr std::array<std::pair<std::string_view, PrivateCa>, 3> k_private_ca = {
    {{"trusted", PrivateCa::trusted}, {"install", PrivateCa::install}, {"no", PrivateCa::no}}};
constexpr std::array<std::pair<std::string_view, SelfSigned>, 3> k_self_signed = {
    {{"no", SelfSigned::no}, {"warn", SelfSigned::warn}, {"scp-only", SelfSigned::scp_only}}};

constexpr std::array<std::string_view, 14> k_keys = {"id", "name", "uses", "wildcard", "name_source", "oa_principal",
                                                     "private_ca", "self_signed", "sha256", "sni", "ecdsa", "exchange",
                                                     "autodiscover", "sources"};
constexpr std::array<std::pair<std::string_view, ExchangeVersion>, 6> k_exchange = {
    {{"2007", ExchangeVersion::v2007}, {"2010", ExchangeVersion::v2010}, {"2013", ExchangeVersion::v2013},
     {"2016", ExchangeVersion::v2016}, {"2019", ExchangeVersion::v2019}, {"se", ExchangeVersion::se}}};
constexpr std::array<std::string_view, 5> k_ad_keys = {"scp", "https_root", "https_autodiscover", "http_redirect", "srv"};
// Every capability claim must carry a citation (R13; zlint's Citation field).
constexpr std::array<std::string_view, 11> k_source_keys = {"wildcard", "name_source", "oa_principal", "private_ca",
                                                            "self_signed", "sha256", "sni", "ecdsa", "exchange",
                                                            "autodiscover", "notes"};

template <std::size_t N>
void check_keys(const toml::table& t, const std::array<std::string_view, N>& allowed, const std::string& doc,
                std::string_view where) {
  for (const auto& [k, v] : t) {
    if (std::find(allowed.begin(), allowed.end(), k.str()) == allowed.end() || k.str().empty()) {
      throw Error(ErrorKind::internal, fmt::format("client profile {}:{}:{}: unknown key '{}' in {}", doc,
                                                   k.source().begin.line, k.source().begin.column, k.str(), where));
    }
  }
  for (const auto a : allowed) {
    if (!a.empty() && !t.contains(a)) {
      throw Error(ErrorKind::internal, fmt::format("client profile {}: missing key '{}' in {}", doc, a, where));
    }
  }
}

ClientProfile parse_profile(const std::string& doc, std::string_view text) {
  toml::table t;
  try {
    t = toml::parse(text, doc);
  } catch (const toml::parse_error& e) {
    throw Error(ErrorKind::internal, fmt::format("client profile {}:{}:{}: {}", doc, e.source().begin.line,
                                                 e.source().begin.column, e.description()));
  }
  check_keys(t, k_keys, doc, "the profile");
  ClientProfile p;
  p.id = std::string(t["id"].value_or(std::string_view{}));
  p.name = std::string(t["name"].value_or(std::string_view{}));
  if (p.id.empty() || p.name.empty()) {
    throw Error(ErrorKind::internal, fmt::format("client profile {}: 'id' and 'name' must be non-empty strings", doc));
  }
  const auto* uses = t["uses"].as_array();
  if (uses == nullptr) {
    throw Error(ErrorKind::internal, fmt::format("client profile {}: 'uses' must be an array", doc));
  }
  for (const auto& u : *uses) {
    const auto s = service_from_string(u.value_or(std::string_view{}));
    if (!s) {
      throw Error(ErrorKind::internal, fmt::format("client profile {}: unknown service in 'uses'", doc));
    }
    p.uses.push_back(*s);
  }
  p.wildcard = parse_choice(t, "wildcard", k_wildcard, doc);
  p.name_source = parse_choice(t, "name_source", k_name_source, doc);
  p.oa_principal = parse_choice(t, "oa_principal", k_oa, doc);
  p.private_ca = parse_choice(t, "private_ca", k_private_ca, doc);
  p.self_signed = parse_choice(t, "self_signed", k_self_signed, doc);
  p.sha256 = parse_choice(t, "sha256", k_tri, doc);
  p.sni = parse_choice(t, "sni", k_tri, doc);
  p.ecdsa = parse_choice(t, "ecdsa", k_tri, doc);
  // R18: the Exchange versions Microsoft's supportability matrix supports this client with.
  const auto* ex = t["exchange"].as_array();
  if (ex == nullptr) {
    throw Error(ErrorKind::internal, fmt::format("client profile {}: 'exchange' must be an array", doc));
  }
  for (const auto& e : *ex) {
    const auto v = e.value_or(std::string_view{});
    const auto it = std::find_if(k_exchange.begin(), k_exchange.end(), [&](const auto& x) { return x.first == v; });
    if (it == k_exchange.end()) {
      throw Error(ErrorKind::internal, fmt::format("client profile {}: unknown Exchange version \"{}\" in 'exchange'", doc, v));
    }
    p.exchange.push_back(it->second);
  }
  const auto* ad = t["autodiscover"].as_table();
  const auto* src = t["sources"].as_table();
  if (ad == nullptr || src == nullptr) {
    throw Error(ErrorKind::internal, fmt::format("client profile {}: [autodiscover] and [sources] must be tables", doc));
  }
  check_keys(*ad, k_ad_keys, doc, "[autodiscover]");
  p.autodiscover.scp = parse_choice(*ad, "scp", k_tri, doc);
  p.autodiscover.https_root = parse_choice(*ad, "https_root", k_tri, doc);
  p.autodiscover.https_autodiscover = parse_choice(*ad, "https_autodiscover", k_tri, doc);
  p.autodiscover.http_redirect = parse_choice(*ad, "http_redirect", k_follow, doc);
  p.autodiscover.srv = parse_choice(*ad, "srv", k_follow, doc);
  check_keys(*src, k_source_keys, doc, "[sources]");
  for (const auto& [k, v] : *src) {
    p.sources.emplace(std::string(k.str()), std::string(v.value_or(std::string_view{})));
  }
  p.notes = p.sources["notes"];
  return p;
}

} // namespace

std::string_view to_string(Tri t) {
  constexpr std::array<std::string_view, 3> n = {"yes", "no", "unknown"};
  return n[static_cast<std::size_t>(t)];
}
std::string_view to_string(Follow f) {
  constexpr std::array<std::string_view, 4> n = {"prompt", "silent", "no", "unknown"};
  return n[static_cast<std::size_t>(f)];
}
std::string_view to_string(WildcardSupport w) {
  constexpr std::array<std::string_view, 3> n = {"none", "leftmost", "partial"};
  return n[static_cast<std::size_t>(w)];
}
std::string_view to_string(NameSource s) {
  constexpr std::array<std::string_view, 3> n = {"san-only", "san-or-cn", "cn-only"};
  return n[static_cast<std::size_t>(s)];
}

bool ClientProfile::uses_service(Service s) const { return std::find(uses.begin(), uses.end(), s) != uses.end(); }

bool ClientProfile::uses_https() const {
  return std::any_of(uses.begin(), uses.end(), [](Service s) { return is_http_service(s); });
}

ClientCatalog ClientCatalog::from_documents(const std::vector<std::pair<std::string, std::string_view>>& docs) {
  ClientCatalog c;
  for (const auto& [name, text] : docs) {
    ClientProfile p = parse_profile(name, text);
    // One profile per file, named for its id (zlint's one-lint-per-file rule).
    if (name.find('/') != std::string::npos && !name.ends_with("/" + p.id + ".toml")) {
      throw Error(ErrorKind::internal, fmt::format("client profile {}: id '{}' does not match the file name", name, p.id));
    }
    if (c.find(p.id) != nullptr) {
      throw Error(ErrorKind::internal, fmt::format("client profile {}: duplicate id '{}'", name, p.id));
    }
    c.m_profiles.push_back(std::move(p));
  }
  std::sort(c.m_profiles.begin(), c.m_profiles.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return c;
}

const ClientCatalog& ClientCatalog::builtin() {
  static const ClientCatalog k_catalog = [] {
    std::vector<std::pair<std::string, std::string_view>> docs;
    for (const auto& [path, text] : embedded_resources()) {
      if (path.starts_with("data/clients/") && path.ends_with(".toml")) {
        docs.emplace_back(std::string(path), text);
      }
    }
    return from_documents(docs);
  }();
  return k_catalog;
}

const ClientProfile* ClientCatalog::find(std::string_view id) const {
  for (const auto& p : m_profiles) {
    if (p.id == id) {
      return &p;
    }
  }
  return nullptr;
}

std::string ClientCatalog::ids_joined() const {
  std::string out;
  for (const auto& p : m_profiles) {
    out += out.empty() ? p.id : ", " + p.id;
  }
  return out;
}

} // namespace certplan
