// The topology model (shared/spec/topology.md, schema 1): plain data, every item with the
// position it was read from so later stages can point at the input.
#pragma once

#include <certplan/error.hpp>
#include <certplan/hostname.hpp>

#include <optional>
#include <string>
#include <vector>

namespace certplan {

enum class ExchangeVersion { v2007, v2010, v2013, v2016, v2019, se };
enum class Model { consolidated, proxy_sites, multisite_single_namespace, regional, multi_forest, hosted };
enum class Strategy { auto_, san, wildcard, single_name };
enum class Authority { public_, enterprise, self_signed };
enum class AutodiscoverMethod { san, srv, redirect };

std::string_view to_string(ExchangeVersion v);
// The product's name, for people: "Exchange 2019", "Exchange SE".
std::string version_label(ExchangeVersion v);
std::string_view to_string(Model m);
std::string_view to_string(Strategy s);
std::string_view to_string(Authority a);
std::string_view to_string(AutodiscoverMethod m);
std::optional<Model> model_from_string(std::string_view s);
std::optional<ExchangeVersion> exchange_version_from_string(std::string_view s);

// The order of every service list in certplan (and so in every output).
enum class Service { owa, ecp, ews, oab, activesync, outlook_anywhere, mapi, autodiscover, pop3, imap4, smtp, um };
inline constexpr Service k_all_services[] = {Service::owa, Service::ecp, Service::ews, Service::oab,
                                             Service::activesync, Service::outlook_anywhere, Service::mapi,
                                             Service::autodiscover, Service::pop3, Service::imap4,
                                             Service::smtp, Service::um};
std::string_view to_string(Service s);
std::optional<Service> service_from_string(std::string_view s);
bool is_http_service(Service s);

struct Organization {
  std::string name;
  ExchangeVersion exchange = ExchangeVersion::v2019;
  Model model = Model::consolidated;
  SourcePos pos;
  SourcePos model_pos;
};

struct Forest {
  std::string name;
  std::optional<HostName> ad_domain;
  std::vector<HostName> smtp_domains; // the first is primary
  SourcePos pos;
};

struct Server {
  std::string name; // NetBIOS
  std::optional<HostName> fqdn;
  std::vector<std::string> roles;
  std::string ip;
  std::string secondary_ip;
  SourcePos pos;

  bool has_role(std::string_view r) const;
};

struct Site {
  std::string name;
  std::string forest; // resolved: always names a forest after loading
  bool internet_facing = false;
  std::optional<HostName> ns;
  std::optional<HostName> legacy_ns;
  std::vector<Server> servers;
  SourcePos pos;
  SourcePos ns_pos;
};

struct ProtocolService {
  bool enabled = false;
  std::optional<HostName> host; // published on its own name (R5)
};

struct Services {
  bool owa = true, ecp = true, ews = true, oab = true, activesync = true, outlook_anywhere = true;
  bool mapi = true, autodiscover = true, um = false;
  ProtocolService pop3, imap4, smtp;

  bool enabled(Service s) const;
};

struct ClientRef {
  std::string id;
  SourcePos pos;
};

struct SubjectParts {
  std::string country, state, locality, organization, unit;
};

struct KeySpec {
  std::string algorithm; // "rsa" | "ecdsa"
  std::string param;     // "2048" | "p256" ...
  std::string to_string() const { return algorithm + ":" + param; }
};

struct CertificateSettings {
  Strategy strategy = Strategy::auto_;
  Authority authority = Authority::public_;
  unsigned max_names = 100;
  KeySpec key{"rsa", "2048"};
  AutodiscoverMethod autodiscover = AutodiscoverMethod::san;
  bool include_internal_names = false;
  bool include_server_fqdn = false; // extension: put client-access server FQDNs on the certificate
  SubjectParts subject;
  SourcePos pos;
};

struct Hosting {
  HostName provider_domain;
  AutodiscoverMethod autodiscover = AutodiscoverMethod::redirect;
  std::optional<HostName> redirect_host;
  std::optional<HostName> webmail_redirect_host;
  SourcePos pos;
};

struct Tenant {
  std::string name;
  std::vector<HostName> domains; // the first is primary
  std::optional<HostName> webmail;
  SourcePos pos;
};

struct Installed {
  std::string file; // relative to the topology file
  std::vector<std::string> services;
  std::vector<std::string> sites;
  // Bound on an IP address of its own that DNS gives its names (R12), rather than by SNI or
  // as the address's default (extension of topology.md).
  bool own_address = false;
  SourcePos pos;
};

struct Topology {
  std::string path;
  Organization organization;
  std::vector<Forest> forests;
  std::vector<Site> sites;
  Services services;
  std::vector<ClientRef> clients;
  CertificateSettings certificates;
  std::optional<Hosting> hosting;
  std::vector<Tenant> tenants;
  std::vector<Installed> installed;

};

} // namespace certplan
