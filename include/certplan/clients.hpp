// Client profiles (R13): what each client does with a certificate and with autodiscover.
// The data lives in data/clients/<id>.toml, compiled into the binary; no client-specific
// `if` exists anywhere else.
#pragma once

#include <certplan/topology.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace certplan {

enum class Tri { yes, no, unknown };
enum class WildcardSupport { none, leftmost, partial };
enum class NameSource { san_only, san_or_cn, cn_only };
enum class OaPrincipal { cn, any_san, none };
enum class PrivateCa { trusted, install, no };
enum class SelfSigned { no, warn, scp_only };
// How a client reacts to an autodiscover method that redirects it.
enum class Follow { prompt, silent, no, unknown };

std::string_view to_string(Tri t);
std::string_view to_string(Follow f);
std::string_view to_string(WildcardSupport w);
std::string_view to_string(NameSource n);

struct AutodiscoverBehaviour {
  Tri scp = Tri::no;
  Tri https_root = Tri::no;
  Tri https_autodiscover = Tri::no;
  Follow http_redirect = Follow::no;
  Follow srv = Follow::no;
};

struct ClientProfile {
  std::string id;
  std::string name;
  std::vector<Service> uses;
  WildcardSupport wildcard = WildcardSupport::leftmost;
  NameSource name_source = NameSource::san_only;
  OaPrincipal oa_principal = OaPrincipal::none;
  PrivateCa private_ca = PrivateCa::install;
  SelfSigned self_signed = SelfSigned::no;
  Tri sha256 = Tri::yes;
  Tri sni = Tri::yes;
  Tri ecdsa = Tri::yes;
  std::vector<ExchangeVersion> exchange; // R18: versions Microsoft supports this client with
  AutodiscoverBehaviour autodiscover;
  std::map<std::string, std::string> sources; // claim -> citation
  std::string notes;

  bool uses_service(Service s) const;
  bool uses_https() const; // any HTTP service
};

class ClientCatalog {
public:
  // Parses profile documents (name, TOML text). Throws certplan::Error on a bad profile.
  static ClientCatalog from_documents(const std::vector<std::pair<std::string, std::string_view>>& docs);
  // The profiles compiled into the binary.
  static const ClientCatalog& builtin();

  const ClientProfile* find(std::string_view id) const;
  const std::vector<ClientProfile>& all() const { return m_profiles; } // sorted by id
  std::string ids_joined() const;

private:
  std::vector<ClientProfile> m_profiles;
};

} // namespace certplan
