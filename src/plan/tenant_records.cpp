// TenantRecords: a hosted plan's tenant part, made as it is visited (make_plan_viewing).
#include "plan/tenant_records.hpp"

#include <algorithm>

namespace certplan {

TenantRecords::TenantRecords(const Topology& topo, std::shared_ptr<const TenantContext> context,
                             std::size_t namespaces_at, std::size_t dns_records_at)
    : m_tenants(topo.tenants.data()), m_count(topo.tenants.size()), m_context(std::move(context)), m_namespaces_at(namespaces_at), m_dns_records_at(dns_records_at) {
  for (const auto& t : topo.tenants) {
    m_namespaces += tenant_namespace_count(*m_context, t);
    m_dns_records += tenant_dns_count(t);
  }
}

void TenantRecords::namespaces(std::size_t from, std::size_t to, const std::function<void(const Namespace&)>& fn) const {
  Namespace scratch; // one per call, so that threads visiting apart share nothing
  for (std::size_t i = from; i < to && i < m_count; ++i) {
    tenant_namespaces(*m_context, m_tenants[i], scratch, fn);
  }
}

void TenantRecords::dns_records(std::size_t from, std::size_t to, const std::function<void(const DnsRecord&)>& fn) const {
  DnsRecord scratch;
  for (std::size_t i = from; i < to && i < m_count; ++i) {
    tenant_dns(*m_context, m_tenants[i], scratch, fn);
  }
}

namespace {

// `a` is `b`, or a name under it, or above it (label-wise).
bool related(std::string_view a, std::string_view b) {
  const auto under = [](std::string_view x, std::string_view y) {
    return x.size() > y.size() && x.ends_with(y) && x[x.size() - y.size() - 1] == '.';
  };
  return a == b || under(a, b) || under(b, a);
}

} // namespace

void TenantRecords::dns_records_near(const std::vector<std::string_view>& names,
                                     const std::function<void(const DnsRecord&)>& fn) const {
  const auto near = [&](std::string_view own) {
    return std::any_of(names.begin(), names.end(), [&](std::string_view n) { return related(own, n); });
  };
  DnsRecord scratch;
  for (std::size_t i = 0; i < m_count; ++i) {
    const Tenant& t = m_tenants[i];
    if (std::any_of(t.domains.begin(), t.domains.end(), [&](const HostName& d) { return near(d.ascii); }) ||
        (t.webmail && near(t.webmail->ascii))) {
      tenant_dns(*m_context, t, scratch, fn);
    }
  }
}

bool TenantRecords::alike(const TenantRecords& other) const {
  const TenantContext& a = *m_context;
  const TenantContext& b = *other.m_context;
  return a.method == b.method && a.site == b.site && a.forest == b.forest && a.autodiscover_value == b.autodiscover_value &&
         a.mx_value == b.mx_value && a.mx_note_suffix == b.mx_note_suffix && a.webmail_value == b.webmail_value;
}

std::size_t Plan::namespace_count() const {
  return namespaces.size() + (tenant_records ? tenant_records->namespace_count() : 0);
}

std::size_t Plan::dns_record_count() const {
  return dns_records.size() + (tenant_records ? tenant_records->dns_record_count() : 0);
}

void for_each_namespace(const Plan& plan, const std::function<void(const Namespace&)>& fn) {
  const std::size_t at = plan.tenant_records ? plan.tenant_records->namespaces_at() : plan.namespaces.size();
  for (std::size_t i = 0; i < at; ++i) {
    fn(plan.namespaces[i]);
  }
  if (plan.tenant_records) {
    plan.tenant_records->namespaces(0, plan.tenant_records->tenants(), fn);
  }
  for (std::size_t i = at; i < plan.namespaces.size(); ++i) {
    fn(plan.namespaces[i]);
  }
}

void for_each_dns_record(const Plan& plan, const std::function<void(const DnsRecord&)>& fn) {
  const std::size_t at = plan.tenant_records ? plan.tenant_records->dns_records_at() : plan.dns_records.size();
  for (std::size_t i = 0; i < at; ++i) {
    fn(plan.dns_records[i]);
  }
  if (plan.tenant_records) {
    plan.tenant_records->dns_records(0, plan.tenant_records->tenants(), fn);
  }
  for (std::size_t i = at; i < plan.dns_records.size(); ++i) {
    fn(plan.dns_records[i]);
  }
}

} // namespace certplan
