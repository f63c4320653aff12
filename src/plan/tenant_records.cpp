// TenantRecords: a hosted plan's tenant part, made as it is visited (make_plan_viewing).
#include "plan/tenant_records.hpp"

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
