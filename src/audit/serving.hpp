// The one model of what a client meets at an endpoint (R12): which of the certificates bound
// to a service at a site the server hands a client, with SNI or without, and whether the
// server can select by SNI at all. plan (through audit of the planned certificates), audit and
// trace all ask this model.
#pragma once

#include <certplan/audit.hpp>

#include "rules/rule.hpp"

#include <tsl/robin_map.h>

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace certplan {

class Serving {
public:
  // The model reads `certs` (and `observed`) where they are: they must neither go nor change
  // while it is used.
  Serving(const Topology& topo, const std::vector<AuditCertificate>& certs);
  // Live: what each endpoint served with SNI and without (audit --live), not bindings.
  Serving(const std::vector<AuditCertificate>& certs, const std::vector<LiveObservation>& observed);

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  // Certificates bound to `service` (iis | pop | imap | smtp) at `site`, in the order given.
  const std::vector<std::size_t>& bound(std::string_view service, const std::string& site) const;
  // The certificate a client meets for `host`: with SNI, the one naming the host; without,
  // the one on the address DNS sends the host to (a certificate on its own address that names
  // it), else the default binding. npos when none is bound.
  std::size_t pick(const std::string& host, std::string_view service, const std::string& site, bool sni) const;
  // Whether certificate `i` names `host` exactly in its DNS SANs.
  bool names_exactly(std::size_t i, const std::string& host) const;
  // Whether picks are observations of a live server rather than derived from bindings.
  bool observed() const { return m_observed != nullptr; }
  // Why pick() found nothing, in words.
  std::string nothing_met(const std::string& host, std::string_view service, const std::string& site, bool sni) const;

private:
  void index_names();
  const LiveObservation* observation(const std::string& host, std::string_view service) const;
  bool binds(std::size_t i, std::string_view service, const std::string& site) const;
  std::size_t naming(const std::string& host, std::string_view service, const std::string& site, bool own_address_only) const;

  // Looked up by string_view (C++20 heterogeneous lookup): pick() runs twice per audited cell,
  // and the copies of the host and its parent made to look them up were most of its cost
  // (issue 18).
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using BoundIndex = std::unordered_map<std::string, std::vector<std::size_t>, NameHash, std::equal_to<>>;
  // A name's certificates, in certificate order: m_holders[first, first + count).
  struct Holders {
    std::size_t first = 0, count = 0;
  };
  // Names viewed in m_certs (which outlives this model), in one open-addressing table each
  // (util/name_set.hpp's reason): a hoster's certificates name 100,000 tenants, and a node,
  // a copy of the name and a vector per name were most of building the model (issue 18).
  using NameIndex = tsl::robin_map<std::string_view, Holders, std::hash<std::string_view>, std::equal_to<std::string_view>,
                                   std::allocator<std::pair<std::string_view, Holders>>, /*StoreHash=*/true>;
  std::span<const std::size_t> holders(const NameIndex& index, std::string_view name) const;

  const std::vector<AuditCertificate>& m_certs;
  std::vector<std::string> m_facing;
  NameIndex m_exact, m_wild;
  std::vector<std::size_t> m_holders;
  mutable BoundIndex m_bound; // service|site -> bound()
  const std::vector<LiveObservation>* m_observed = nullptr;
  std::unordered_map<std::string, std::size_t> m_observation; // host|service -> index
};

// What the rules registry says of what `client` meets at `host` for `service` at `site`:
// the certificate met (with SNI or without, as the client and the server do; an unverified
// side judged both ways, R12) and every verdict on it. The one judgement of a cell that
// audit, the plan (through audit) and trace share.
struct MeetContext {
  const Topology& topo;
  const std::vector<AuditCertificate>& certificates;
  const Serving& serving;
  long long at = 0;
  std::string_view principal; // R16, see planned_principal
  // The verdicts that depend on the certificate alone, kept across the cells of one audit
  // (null: none kept, as trace's single questions).
  rules::CertificateMemo* memo = nullptr;
};
struct Met {
  std::size_t certificate = Serving::npos; // index into MeetContext::certificates
  Severity status = Severity::info;
  rules::Verdicts verdicts;
};
Met meet(const MeetContext& ctx, const std::string& host, std::string_view service, const std::string& site, bool oa,
         const ClientProfile& client);

// R16: the principal the plan has the admin set on the forest's EXPR provider ("" when the
// default msstd:<host> matches everywhere).
std::string planned_principal(const Plan& plan, const std::string& forest);

} // namespace certplan
