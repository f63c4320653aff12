// What a topology may say (topology.md, schema 1): the keys each table allows and the values
// of the string lists that are not enums. The enums' names are in enum_tables.hpp.
#pragma once

#include "topology/enum_tables.hpp"

#include <array>
#include <cstddef>
#include <string_view>

namespace certplan::topology_schema {

inline constexpr std::array<std::string_view, 7> k_root_keys = {"schema", "organization", "forest", "site",
                                                                "services", "clients", "certificates"};
inline constexpr std::array<std::string_view, 3> k_root_keys2 = {"hosting", "tenant", "installed"};
inline constexpr std::array<std::string_view, 3> k_org_keys = {"name", "exchange", "model"};
inline constexpr std::array<std::string_view, 3> k_forest_keys = {"name", "ad_domain", "smtp_domains"};
inline constexpr std::array<std::string_view, 6> k_site_keys = {"name", "forest", "internet_facing", "namespace",
                                                                "legacy_namespace", "server"};
inline constexpr std::array<std::string_view, 5> k_server_keys = {"name", "fqdn", "roles", "ip", "secondary_ip"};
// [services] has one key per service, spelt as the service's name.
inline constexpr auto k_service_keys = [] {
  std::array<std::string_view, topology_tables::k_services.size()> keys{};
  for (std::size_t i = 0; i < keys.size(); ++i) {
    keys[i] = topology_tables::k_services[i].name;
  }
  return keys;
}();
inline constexpr std::array<std::string_view, 1> k_protocol_keys = {"host"};
inline constexpr std::array<std::string_view, 1> k_client_keys = {"supported"};
inline constexpr std::array<std::string_view, 8> k_cert_keys = {"strategy", "authority", "max_names", "key",
                                                                "autodiscover", "include_internal_names",
                                                                "include_server_fqdn", "subject"};
inline constexpr std::array<std::string_view, 5> k_subject_keys = {"country", "state", "locality", "organization",
                                                                   "unit"};
inline constexpr std::array<std::string_view, 4> k_hosting_keys = {"provider_domain", "autodiscover",
                                                                   "redirect_host", "webmail_redirect_host"};
inline constexpr std::array<std::string_view, 3> k_tenant_keys = {"name", "domains", "webmail"};
inline constexpr std::array<std::string_view, 4> k_installed_keys = {"file", "services", "sites", "own_address"};

// R10: what the BR allows (P-521 is an extension of topology.md's list).
inline constexpr std::array<std::string_view, 6> k_keys = {"rsa:2048",   "rsa:3072",   "rsa:4096",
                                                           "ecdsa:p256", "ecdsa:p384", "ecdsa:p521"};
inline constexpr std::array<std::string_view, 5> k_roles = {"client-access", "mailbox", "hub-transport", "edge", "um"};

} // namespace certplan::topology_schema
