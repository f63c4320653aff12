// The services Exchange binds a certificate to (Enable-ExchangeCertificate -Services IIS, POP,
// IMAP, SMTP, UM): one table gives the name [[installed]] services and the audit's cells use
// ("iis"), Exchange's own label ("IIS") and the client-access services each one carries.
#pragma once

#include <certplan/topology.hpp>

#include <optional>
#include <string_view>

namespace certplan {

// In topology.md's order of [[installed]] services.
enum class CertService { iis, smtp, pop, imap, um };

std::string_view to_string(CertService s);      // "iis", "smtp", "pop", "imap", "um"
std::string_view exchange_label(CertService s); // "IIS", "SMTP", "POP", "IMAP", "UM"
std::optional<CertService> cert_service_from_string(std::string_view s);
// The binding that serves `s`: POP3 pop, IMAP4 imap, SMTP smtp, UM um, the HTTP services iis.
CertService cert_service_of(Service s);

} // namespace certplan
