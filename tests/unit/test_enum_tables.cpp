// One table per enum (util/enum_table.hpp): every value has its own name and parses back to
// itself, so to_string and the loader cannot drift apart.
#include "support.hpp"

#include "topology/enum_tables.hpp"
#include "topology/schema.hpp"

#include <set>
#include <string>

namespace {

namespace tables = certplan::topology_tables;

template <typename Entry, std::size_t N>
void require_round_trip(const std::array<Entry, N>& table) {
  std::set<std::string_view> names;
  for (const auto& entry : table) {
    REQUIRE(to_string(entry.value) == entry.name);
    REQUIRE(certplan::util::value_of(table, entry.name) == entry.value);
    REQUIRE(names.insert(entry.name).second);
  }
}

} // namespace

TEST_CASE("every topology enum value round-trips through its one table", "[topology][enum_tables]") {
  require_round_trip(tables::k_exchange_versions);
  require_round_trip(tables::k_models);
  require_round_trip(tables::k_strategies);
  require_round_trip(tables::k_authorities);
  require_round_trip(tables::k_autodiscover_methods);
  require_round_trip(tables::k_services);
  for (const auto& [value, name] : tables::k_services) {
    REQUIRE(certplan::service_from_string(name) == value);
  }
  for (const auto& [value, name] : tables::k_models) {
    REQUIRE(certplan::model_from_string(name) == value);
  }
  for (const auto& [value, name] : tables::k_exchange_versions) {
    REQUIRE(certplan::exchange_version_from_string(name) == value);
  }
  REQUIRE(!certplan::service_from_string("OWA").has_value());
}

TEST_CASE("the [services] keys are the services' names, in k_all_services order", "[topology][enum_tables]") {
  REQUIRE(certplan::topology_schema::k_service_keys.size() == std::size(certplan::k_all_services));
  for (std::size_t i = 0; i < std::size(certplan::k_all_services); ++i) {
    REQUIRE(certplan::topology_schema::k_service_keys[i] == to_string(certplan::k_all_services[i]));
  }
}

TEST_CASE("namespace roles print as the plan always spelt them", "[plan][enum_tables]") {
  using certplan::NamespaceRole;
  const std::pair<NamespaceRole, std::string_view> expected[] = {
      {NamespaceRole::site, "site"},
      {NamespaceRole::legacy, "legacy"},
      {NamespaceRole::autodiscover, "autodiscover"},
      {NamespaceRole::autodiscover_redirect, "autodiscover-redirect"},
      {NamespaceRole::server, "server"},
      {NamespaceRole::netbios, "netbios"},
      {NamespaceRole::protocol, "protocol"},
      {NamespaceRole::redirect, "redirect"},
      {NamespaceRole::tenant_autodiscover, "tenant-autodiscover"},
      {NamespaceRole::tenant_autodiscover_redirect, "tenant-autodiscover-redirect"},
      {NamespaceRole::tenant_webmail, "tenant-webmail"},
  };
  for (const auto& [role, name] : expected) {
    REQUIRE(to_string(role) == name);
  }
}

TEST_CASE("client profile enums print with their profile spellings", "[clients][enum_tables]") {
  REQUIRE(to_string(certplan::Tri::unknown) == "unknown");
  REQUIRE(to_string(certplan::Follow::silent) == "silent");
  REQUIRE(to_string(certplan::WildcardSupport::partial) == "partial");
  REQUIRE(to_string(certplan::NameSource::san_or_cn) == "san-or-cn");
}

TEST_CASE("Exchange's certificate services: one table for names, labels and services", "[topology][enum_tables]") {
  using certplan::CertService;
  require_round_trip(tables::k_cert_services);
  for (const auto& entry : tables::k_cert_services) {
    REQUIRE(certplan::cert_service_from_string(entry.name) == entry.value);
    REQUIRE(certplan::exchange_label(entry.value) == entry.label);
  }
  REQUIRE(exchange_label(CertService::pop) == "POP");
  REQUIRE(cert_service_of(certplan::Service::owa) == CertService::iis);
  REQUIRE(cert_service_of(certplan::Service::autodiscover) == CertService::iis);
  REQUIRE(cert_service_of(certplan::Service::pop3) == CertService::pop);
  REQUIRE(cert_service_of(certplan::Service::imap4) == CertService::imap);
  REQUIRE(cert_service_of(certplan::Service::smtp) == CertService::smtp);
  REQUIRE(cert_service_of(certplan::Service::um) == CertService::um);
}
