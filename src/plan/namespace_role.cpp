// The one table of NamespaceRole (util/enum_table.hpp): the spellings the text and JSON plans
// have always printed in the namespace's "role" column and member.
#include <certplan/plan.hpp>

#include "util/enum_table.hpp"

#include <array>

namespace certplan {
namespace {

constexpr std::array<util::EnumName<NamespaceRole>, 11> k_roles = {{
    {NamespaceRole::site, "site"},
    {NamespaceRole::legacy, "legacy"},
    {NamespaceRole::autodiscover, "autodiscover"},
    {NamespaceRole::autodiscover_redirect, "autodiscover-redirect"},
    {NamespaceRole::server, "server"},
    {NamespaceRole::netbios, "netbios"},
    {NamespaceRole::protocol, "protocol"},
    {NamespaceRole::redirect, "redirect"},
    {NamespaceRole::tenant_autodiscover, "tenant-autodiscover"},
    {NamespaceRole::tenant_autodiscover_redirect, "tenant-autodiscover-redirect"},
    {NamespaceRole::tenant_webmail, "tenant-webmail"},
}};
static_assert(util::in_enum_order(k_roles));

} // namespace

std::string_view to_string(NamespaceRole r) { return util::name_of(k_roles, r); }

} // namespace certplan
