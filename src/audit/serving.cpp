#include "audit/serving.hpp"

#include <algorithm>

namespace certplan {

namespace {

std::string_view parent_of(std::string_view host) {
  const auto dot = host.find('.');
  return dot == std::string_view::npos ? std::string_view() : host.substr(dot + 1);
}

} // namespace

Serving::Serving(const Topology& topo, const std::vector<AuditCertificate>& certs) : m_certs(certs) {
  for (const auto& s : topo.sites) {
    if (s.internet_facing) {
      m_facing.push_back(s.name);
    }
  }
  index_names();
}

Serving::Serving(const std::vector<AuditCertificate>& certs, const std::vector<LiveObservation>& observed)
    : m_certs(certs), m_observed(&observed) {
  for (std::size_t i = 0; i < observed.size(); ++i) {
    m_observation.emplace(observed[i].host + "|" + observed[i].service, i);
  }
  index_names();
}

const LiveObservation* Serving::observation(const std::string& host, std::string_view service) const {
  const auto it = m_observation.find(host + "|" + std::string(service));
  return it == m_observation.end() ? nullptr : &(*m_observed)[it->second];
}

std::string Serving::nothing_met(const std::string& host, std::string_view service, const std::string& site, bool sni) const {
  if (!observed()) {
    return "no certificate is bound to " + std::string(service) + " at site " + site;
  }
  const auto* o = observation(host, service);
  if (o == nullptr) {
    return host + " " + std::string(service) + " was not probed";
  }
  return o->address + (sni ? " with SNI " + host : " without SNI") + " served no certificate: " +
         (sni ? o->with_sni_error : o->without_sni_error);
}

void Serving::index_names() {
  const auto& certs = m_certs;
  // Each name a certificate answers for, in certificate order: its DNS SANs ("*.zone" under
  // the zone), else its CN.
  const auto each_name = [&](const auto& fn) {
    for (std::size_t i = 0; i < certs.size(); ++i) {
      for (const std::string_view n : certs[i].leaf.dns_sans) {
        if (n.starts_with("*.")) {
          fn(m_wild, n.substr(2), i);
        } else {
          fn(m_exact, n, i);
        }
      }
      if (certs[i].leaf.dns_sans.empty() && !certs[i].leaf.subject_cn.empty()) {
        fn(m_exact, std::string_view(certs[i].leaf.subject_cn), i);
      }
    }
  };
  // Counted, then placed: each name's certificates side by side, in the order given.
  std::size_t total = 0;
  each_name([&](NameIndex& index, std::string_view name, std::size_t) {
    ++index[name].count;
    ++total;
  });
  std::size_t first = 0;
  for (NameIndex* index : {&m_exact, &m_wild}) {
    for (auto it = index->begin(); it != index->end(); ++it) {
      it.value().first = first;
      first += it->second.count;
      it.value().count = 0;
    }
  }
  m_holders.resize(total);
  each_name([&](NameIndex& index, std::string_view name, std::size_t i) {
    Holders& h = index.find(name).value();
    m_holders[h.first + h.count++] = i;
  });
}

std::span<const std::size_t> Serving::holders(const NameIndex& index, std::string_view name) const {
  const auto it = index.find(name);
  return it == index.end() ? std::span<const std::size_t>() : std::span(m_holders).subspan(it->second.first, it->second.count);
}

bool Serving::binds(std::size_t i, std::string_view service, const std::string& site) const {
  const auto& c = m_certs[i];
  const auto& sites = c.sites.empty() ? m_facing : c.sites;
  return std::find(c.services.begin(), c.services.end(), service) != c.services.end() &&
         std::find(sites.begin(), sites.end(), site) != sites.end();
}

const std::vector<std::size_t>& Serving::bound(std::string_view service, const std::string& site) const {
  const std::string key = std::string(service) + "|" + site;
  auto it = m_bound.find(key);
  if (it == m_bound.end()) {
    std::vector<std::size_t> v;
    for (std::size_t i = 0; i < m_certs.size(); ++i) {
      if (binds(i, service, site)) {
        v.push_back(i);
      }
    }
    it = m_bound.emplace(key, std::move(v)).first;
  }
  return it->second;
}

std::size_t Serving::naming(const std::string& host, std::string_view service, const std::string& site,
                            bool own_address_only) const {
  for (const auto& [map, key] : {std::pair{&m_exact, std::string_view(host)}, std::pair{&m_wild, parent_of(host)}}) {
    for (const auto i : holders(*map, key)) {
      if (binds(i, service, site) && (!own_address_only || m_certs[i].own_address)) {
        return i;
      }
    }
  }
  return npos;
}

std::size_t Serving::pick(const std::string& host, std::string_view service, const std::string& site, bool sni) const {
  if (observed()) {
    const auto* o = observation(host, service);
    return o == nullptr ? npos : sni ? o->with_sni : o->without_sni;
  }
  const auto& b = bound(service, site);
  if (b.empty()) {
    return npos;
  }
  // Without SNI the address decides: a certificate bound on its own address is met there by
  // the names DNS sends to it (R12: the plan points them there).
  const std::size_t named = naming(host, service, site, !sni);
  if (named != npos) {
    return named;
  }
  // The default: the first certificate not on an address of its own.
  const auto it = std::find_if(b.begin(), b.end(), [&](std::size_t i) { return !m_certs[i].own_address; });
  return it == b.end() ? b.front() : *it;
}

bool Serving::names_exactly(std::size_t i, const std::string& host) const {
  const auto named = holders(m_exact, host);
  return !m_certs[i].leaf.dns_sans.empty() && std::find(named.begin(), named.end(), i) != named.end();
}

} // namespace certplan
