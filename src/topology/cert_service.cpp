// CertService (cert_service.hpp) through its one table, in topology/enum_tables.hpp.
#include <certplan/cert_service.hpp>

#include "topology/enum_tables.hpp"

namespace certplan {

using topology_tables::k_cert_services;

std::string_view to_string(CertService s) { return util::name_of(k_cert_services, s); }

std::string_view exchange_label(CertService s) {
  const auto i = static_cast<std::size_t>(s);
  return i < k_cert_services.size() ? k_cert_services[i].label : std::string_view("?");
}

std::optional<CertService> cert_service_from_string(std::string_view s) { return util::value_of(k_cert_services, s); }

CertService cert_service_of(Service s) {
  if (is_http_service(s)) {
    return CertService::iis;
  }
  for (const auto& entry : k_cert_services) {
    if (entry.serves == s) {
      return entry.value;
    }
  }
  return CertService::iis;
}

} // namespace certplan
