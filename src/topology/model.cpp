#include <certplan/topology.hpp>

#include <algorithm>
#include <array>

namespace certplan {
namespace {

template <typename E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view s) {
  for (const auto& [e, name] : table) {
    if (name == s) {
      return e;
    }
  }
  return std::nullopt;
}

template <typename E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E e) {
  for (const auto& [v, name] : table) {
    if (v == e) {
      return name;
    }
  }
  return "?";
}

constexpr std::array<std::pair<Model, std::string_view>, 6> k_models = {{
    {Model::consolidated, "consolidated"},
    {Model::proxy_sites, "proxy-sites"},
    {Model::multisite_single_namespace, "multisite-single-namespace"},
    {Model::regional, "regional"},
    {Model::multi_forest, "multi-forest"},
    {Model::hosted, "hosted"},
}};

constexpr std::array<std::pair<Service, std::string_view>, 12> k_services = {{
    {Service::owa, "owa"},
    {Service::ecp, "ecp"},
    {Service::ews, "ews"},
    {Service::oab, "oab"},
    {Service::activesync, "activesync"},
    {Service::outlook_anywhere, "outlook_anywhere"},
    {Service::mapi, "mapi"},
    {Service::autodiscover, "autodiscover"},
    {Service::pop3, "pop3"},
    {Service::imap4, "imap4"},
    {Service::smtp, "smtp"},
    {Service::um, "um"},
}};

} // namespace

std::string_view to_string(ExchangeVersion v) {
  constexpr std::array<std::string_view, 6> names = {"2007", "2010", "2013", "2016", "2019", "se"};
  return names[static_cast<std::size_t>(v)];
}
std::string_view to_string(Model m) { return name_of(k_models, m); }
std::optional<Model> model_from_string(std::string_view s) { return lookup(k_models, s); }
std::string_view to_string(Strategy s) {
  constexpr std::array<std::string_view, 4> names = {"auto", "san", "wildcard", "single-name"};
  return names[static_cast<std::size_t>(s)];
}
std::string_view to_string(Authority a) {
  constexpr std::array<std::string_view, 3> names = {"public", "enterprise", "self-signed"};
  return names[static_cast<std::size_t>(a)];
}
std::string_view to_string(AutodiscoverMethod m) {
  constexpr std::array<std::string_view, 3> names = {"san", "srv", "redirect"};
  return names[static_cast<std::size_t>(m)];
}
std::string_view to_string(Service s) { return name_of(k_services, s); }
std::optional<Service> service_from_string(std::string_view s) { return lookup(k_services, s); }

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

const Forest& Topology::forest(std::string_view name) const {
  for (const auto& f : forests) {
    if (f.name == name) {
      return f;
    }
  }
  throw Error(ErrorKind::internal, "unknown forest " + std::string(name));
}

} // namespace certplan
