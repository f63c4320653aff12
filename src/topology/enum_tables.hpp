// The one name table of each topology enum (topology.md's spellings): the loader parses with
// it, to_string prints with it (model.cpp). Each is asserted to be in enum order, so adding or
// reordering a value without its entry fails to compile instead of renaming values.
#pragma once

#include <certplan/cert_service.hpp>
#include <certplan/topology.hpp>

#include "util/enum_table.hpp"

#include <array>

namespace certplan::topology_tables {

using util::EnumName;

inline constexpr std::array<EnumName<ExchangeVersion>, 6> k_exchange_versions = {{
    {ExchangeVersion::v2007, "2007"},
    {ExchangeVersion::v2010, "2010"},
    {ExchangeVersion::v2013, "2013"},
    {ExchangeVersion::v2016, "2016"},
    {ExchangeVersion::v2019, "2019"},
    {ExchangeVersion::se, "se"},
}};
static_assert(util::in_enum_order(k_exchange_versions));

inline constexpr std::array<EnumName<Model>, 6> k_models = {{
    {Model::consolidated, "consolidated"},
    {Model::proxy_sites, "proxy-sites"},
    {Model::multisite_single_namespace, "multisite-single-namespace"},
    {Model::regional, "regional"},
    {Model::multi_forest, "multi-forest"},
    {Model::hosted, "hosted"},
}};
static_assert(util::in_enum_order(k_models));

inline constexpr std::array<EnumName<Strategy>, 4> k_strategies = {{
    {Strategy::auto_, "auto"},
    {Strategy::san, "san"},
    {Strategy::wildcard, "wildcard"},
    {Strategy::single_name, "single-name"},
}};
static_assert(util::in_enum_order(k_strategies));

inline constexpr std::array<EnumName<Authority>, 3> k_authorities = {{
    {Authority::public_, "public"},
    {Authority::enterprise, "enterprise"},
    {Authority::self_signed, "self-signed"},
}};
static_assert(util::in_enum_order(k_authorities));

inline constexpr std::array<EnumName<AutodiscoverMethod>, 3> k_autodiscover_methods = {{
    {AutodiscoverMethod::san, "san"},
    {AutodiscoverMethod::srv, "srv"},
    {AutodiscoverMethod::redirect, "redirect"},
}};
static_assert(util::in_enum_order(k_autodiscover_methods));

// The [services] keys and the spelling of a service in every output.
inline constexpr std::array<EnumName<Service>, 12> k_services = {{
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
static_assert(util::in_enum_order(k_services));

// Exchange's certificate services ([[installed]] services, the audit's cells, -Services).
struct CertServiceEntry {
  CertService value;
  std::string_view name;  // [[installed]] services, audit cells
  std::string_view label; // Exchange's -Services
  Service serves;         // the client-access service it carries (for iis: the HTTP services)
};

inline constexpr std::array<CertServiceEntry, 5> k_cert_services = {{
    {CertService::iis, "iis", "IIS", Service::owa},
    {CertService::smtp, "smtp", "SMTP", Service::smtp},
    {CertService::pop, "pop", "POP", Service::pop3},
    {CertService::imap, "imap", "IMAP", Service::imap4},
    {CertService::um, "um", "UM", Service::um},
}};
static_assert(util::in_enum_order(k_cert_services));

} // namespace certplan::topology_tables
