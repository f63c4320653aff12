// --server-export DIR on audit and expiry (issue 16): the glue that reads a folder of an
// Exchange server's exports and hands the installed state to the library.
#pragma once

#include <certplan/audit.hpp>
#include <certplan/expiry.hpp>
#include <certplan/server_export.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace certplan::cli {

// Every export file in `dir` (recursively, in path order), recognised by content; other
// files are listed as skipped. Throws Error(usage) when `dir` is not a folder and
// Error(input) for an export file that cannot be read, with its position.
exports::InstalledState load_server_export(const std::string& dir);

// audit: the certificates of each folder (chains checked at `at`) appended to `certs`, and the
// registry's findings on each folder's state returned.
std::vector<Finding> add_server_exports(const std::vector<std::string>& dirs, const Topology& topo, const Plan& plan,
                                        const ChainValidator& chains, long long at, std::vector<AuditCertificate>& certs);

// expiry: the certificates of each folder added to the report (source "DIR THUMBPRINT"), from
// `order` on; returns the next order.
std::uint64_t add_server_export_certificates(const std::vector<std::string>& dirs, ExpiryReport& report,
                                             std::uint64_t order);

} // namespace certplan::cli
