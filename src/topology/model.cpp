#include <certplan/topology.hpp>

#include "topology/enum_tables.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace certplan {

namespace tables = topology_tables;

std::string_view to_string(ExchangeVersion v) { return util::name_of(tables::k_exchange_versions, v); }

std::string version_label(ExchangeVersion v) {
  return v == ExchangeVersion::se ? std::string("Exchange SE") : fmt::format("Exchange {}", to_string(v));
}
std::optional<ExchangeVersion> exchange_version_from_string(std::string_view s) {
  return util::value_of(tables::k_exchange_versions, s);
}
std::string_view to_string(Model m) { return util::name_of(tables::k_models, m); }
std::optional<Model> model_from_string(std::string_view s) { return util::value_of(tables::k_models, s); }
std::string_view to_string(Strategy s) { return util::name_of(tables::k_strategies, s); }
std::string_view to_string(Authority a) { return util::name_of(tables::k_authorities, a); }
std::string_view to_string(AutodiscoverMethod m) { return util::name_of(tables::k_autodiscover_methods, m); }
std::string_view to_string(Service s) { return util::name_of(tables::k_services, s); }
std::optional<Service> service_from_string(std::string_view s) { return util::value_of(tables::k_services, s); }

bool is_http_service(Service s) {
  switch (s) {
  case Service::pop3:
  case Service::imap4:
  case Service::smtp:
  case Service::um:
    return false;
  default:
    return true;
  }
}

bool Server::has_role(std::string_view r) const { return std::find(roles.begin(), roles.end(), r) != roles.end(); }

bool Services::enabled(Service s) const {
  switch (s) {
  case Service::owa: return owa;
  case Service::ecp: return ecp;
  case Service::ews: return ews;
  case Service::oab: return oab;
  case Service::activesync: return activesync;
  case Service::outlook_anywhere: return outlook_anywhere;
  case Service::mapi: return mapi;
  case Service::autodiscover: return autodiscover;
  case Service::pop3: return pop3.enabled;
  case Service::imap4: return imap4.enabled;
  case Service::smtp: return smtp.enabled;
  case Service::um: return um;
  }
  return false;
}

} // namespace certplan
