// Client profiles: parsed from data/clients/*.toml (embedded). Strict like the topology
// loader: a profile with an unknown key or value is a build-breaking test failure, not a
// silently different plan.
#include <certplan/clients.hpp>
#include <certplan/error.hpp>
#include <certplan/resources.hpp>

#include "topology/toml_read.hpp"
#include "util/enum_table.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>

namespace certplan {
namespace {

using util::EnumName;

// One table per enum (util/enum_table.hpp): the profiles' spellings, parsed and printed.
constexpr std::array<EnumName<Tri>, 3> k_tri = {{{Tri::yes, "yes"}, {Tri::no, "no"}, {Tri::unknown, "unknown"}}};
static_assert(util::in_enum_order(k_tri));
constexpr std::array<EnumName<Follow>, 4> k_follow = {
    {{Follow::prompt, "prompt"}, {Follow::silent, "silent"}, {Follow::no, "no"}, {Follow::unknown, "unknown"}}};
static_assert(util::in_enum_order(k_follow));
constexpr std::array<EnumName<WildcardSupport>, 3> k_wildcard = {
    {{WildcardSupport::none, "none"}, {WildcardSupport::leftmost, "leftmost"}, {WildcardSupport::partial, "partial"}}};
static_assert(util::in_enum_order(k_wildcard));
constexpr std::array<EnumName<NameSource>, 3> k_name_source = {
    {{NameSource::san_only, "san-only"}, {NameSource::san_or_cn, "san-or-cn"}, {NameSource::cn_only, "cn-only"}}};
static_assert(util::in_enum_order(k_name_source));
constexpr std::array<EnumName<OaPrincipal>, 3> k_oa = {
    {{OaPrincipal::cn, "cn"}, {OaPrincipal::any_san, "any-san"}, {OaPrincipal::none, "none"}}};
static_assert(util::in_enum_order(k_oa));
constexpr std::array<EnumName<PrivateCa>, 3> k_private_ca = {
    {{PrivateCa::trusted, "trusted"}, {PrivateCa::install, "install"}, {PrivateCa::no, "no"}}};
static_assert(util::in_enum_order(k_private_ca));
constexpr std::array<EnumName<SelfSigned>, 3> k_self_signed = {
    {{SelfSigned::no, "no"}, {SelfSigned::warn, "warn"}, {SelfSigned::scp_only, "scp-only"}}};
static_assert(util::in_enum_order(k_self_signed));

// Every key of a profile is required.
constexpr std::array<std::string_view, 14> k_keys = {"id", "name", "uses", "wildcard", "name_source", "oa_principal",
                                                     "private_ca", "self_signed", "sha256", "sni", "ecdsa", "exchange",
                                                     "autodiscover", "sources"};
constexpr std::array<std::string_view, 5> k_ad_keys = {"scp", "https_root", "https_autodiscover", "http_redirect", "srv"};
// Every capability claim must carry a citation (R13; zlint's Citation field).
constexpr std::array<std::string_view, 11> k_source_keys = {"wildcard", "name_source", "oa_principal", "private_ca",
                                                            "self_signed", "sha256", "sni", "ecdsa", "exchange",
                                                            "autodiscover", "notes"};

// Profiles are compiled into the binary: a bad one is certplan's bug (kind internal), reported
// at its position in data/clients/<id>.toml like a topology error.
class ProfileReader : private TomlReader {
public:
  explicit ProfileReader(const std::string& doc) : TomlReader(doc, ErrorKind::internal) {}

  ClientProfile read(std::string_view text) const;

private:
  void check_all_keys(const toml::table& t, TomlKeys keys, std::string_view where) const {
    check_keys(t, keys, where);
    for (const auto key : keys) {
      require(t, key, where);
    }
  }
};

ClientProfile ProfileReader::read(std::string_view text) const {
  toml::table t;
  try {
    t = toml::parse(text, path());
  } catch (const toml::parse_error& e) {
    fail(pos(e.source()), fmt::format("TOML syntax: {}", e.description()));
  }
  check_all_keys(t, k_keys, "the profile");
  ClientProfile p;
  p.id = nonempty_string(*t.get("id"), "id");
  p.name = nonempty_string(*t.get("name"), "name");
  for (const auto& u : array(*t.get("uses"), "uses")) {
    const std::string name = string(u, "uses");
    const auto s = service_from_string(name);
    if (!s) {
      fail(u, fmt::format("unknown service \"{}\" in 'uses'", name));
    }
    p.uses.push_back(*s);
  }
  p.wildcard = choice(*t.get("wildcard"), "wildcard", k_wildcard);
  p.name_source = choice(*t.get("name_source"), "name_source", k_name_source);
  p.oa_principal = choice(*t.get("oa_principal"), "oa_principal", k_oa);
  p.private_ca = choice(*t.get("private_ca"), "private_ca", k_private_ca);
  p.self_signed = choice(*t.get("self_signed"), "self_signed", k_self_signed);
  p.sha256 = choice(*t.get("sha256"), "sha256", k_tri);
  p.sni = choice(*t.get("sni"), "sni", k_tri);
  p.ecdsa = choice(*t.get("ecdsa"), "ecdsa", k_tri);
  // R18: the Exchange versions Microsoft's supportability matrix supports this client with.
  for (const auto& e : array(*t.get("exchange"), "exchange")) {
    const std::string v = string(e, "exchange");
    const auto version = exchange_version_from_string(v);
    if (!version) {
      fail(e, fmt::format("unknown Exchange version \"{}\" in 'exchange'", v));
    }
    p.exchange.push_back(*version);
  }
  const auto& ad = table(*t.get("autodiscover"), "autodiscover");
  check_all_keys(ad, k_ad_keys, "[autodiscover]");
  p.autodiscover.scp = choice(*ad.get("scp"), "scp", k_tri);
  p.autodiscover.https_root = choice(*ad.get("https_root"), "https_root", k_tri);
  p.autodiscover.https_autodiscover = choice(*ad.get("https_autodiscover"), "https_autodiscover", k_tri);
  p.autodiscover.http_redirect = choice(*ad.get("http_redirect"), "http_redirect", k_follow);
  p.autodiscover.srv = choice(*ad.get("srv"), "srv", k_follow);
  const auto& src = table(*t.get("sources"), "sources");
  check_all_keys(src, k_source_keys, "[sources]");
  for (const auto& [k, v] : src) {
    p.sources.emplace(std::string(k.str()), string(v, k.str()));
  }
  p.notes = p.sources["notes"];
  return p;
}

ClientProfile parse_profile(const std::string& doc, std::string_view text) { return ProfileReader(doc).read(text); }

} // namespace

std::string_view to_string(Tri t) { return util::name_of(k_tri, t); }
std::string_view to_string(Follow f) { return util::name_of(k_follow, f); }
std::string_view to_string(WildcardSupport w) { return util::name_of(k_wildcard, w); }
std::string_view to_string(NameSource s) { return util::name_of(k_name_source, s); }

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
