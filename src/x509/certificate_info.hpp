// Private to src/x509: Botan's full parse into certplan's CertificateInfo.
#pragma once

#include <certplan/x509.hpp>

#include <botan/x509cert.h>

#include <cstdint>

namespace certplan {

CertificateInfo info_of(const Botan::X509_Certificate& c);
CertificateInfo info_of_der(const std::uint8_t* der, std::size_t n); // throws Botan's exceptions

} // namespace certplan
