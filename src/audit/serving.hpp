// The one model of what a client meets at an endpoint (R12): which of the certificates bound
// to a service at a site the server hands a client, with SNI or without, and whether the
// server can select by SNI at all. plan (through audit of the planned certificates), audit and
// trace all ask this model.
#pragma once

#include <certplan/audit.hpp>

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace certplan {

// Whether the server selects a certificate by SNI: IIS 8 (Windows Server 2012) and later.
// Exchange 2007 runs on IIS 6/7/7.5 (no); Exchange 2010 selects only on Server 2012/2012 R2,
// which the topology does not say (unknown: both outcomes are judged); 2013 and later yes.
Tri server_selects_by_sni(ExchangeVersion v);
// The assumption behind server_selects_by_sni, for messages.
std::string_view server_sni_assumption(ExchangeVersion v);

class Serving {
public:
  Serving(const Topology& topo, const std::vector<AuditCertificate>& certs);

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  // Certificates bound to `service` (iis | pop | imap | smtp) at `site`, in the order given.
  const std::vector<std::size_t>& bound(std::string_view service, const std::string& site) const;
  // The certificate a client meets for `host`: with SNI, the one naming the host; without,
  // the one on the address DNS sends the host to (a certificate on its own address that names
  // it), else the default binding. npos when none is bound.
  std::size_t pick(const std::string& host, std::string_view service, const std::string& site, bool sni) const;
  // Whether certificate `i` names `host` exactly in its DNS SANs.
  bool names_exactly(std::size_t i, const std::string& host) const;

private:
  bool binds(std::size_t i, std::string_view service, const std::string& site) const;
  std::size_t naming(const std::string& host, std::string_view service, const std::string& site, bool own_address_only) const;

  const std::vector<AuditCertificate>& m_certs;
  std::vector<std::string> m_facing;
  std::unordered_map<std::string, std::vector<std::size_t>> m_exact, m_wild;
  mutable std::unordered_map<std::string, std::vector<std::size_t>> m_bound;
};

} // namespace certplan
