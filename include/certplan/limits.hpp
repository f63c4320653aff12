// What certplan reads whole into memory, bounded: a value handed to each reader (Botan's
// Path_Validation_Restrictions shape), never a process-wide setting. The library names a
// limit when it refuses input (Error::limit()); the CLI knows which flag raises it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace certplan {

enum class Limit {
  file_size,    // bytes of one input file read whole
  certificates, // certificates in one bundle read whole
  tenants,      // tenants in one topology
  block_size,   // bytes of one PEM block in a streamed file
  chain,        // certificates a live server sends
};

struct InputLimits {
  std::uint64_t max_file_bytes = std::uint64_t{64} << 20;
  std::size_t max_certificates = 1000; // per bundle read whole (audit, match, trace)
  std::size_t max_tenants = 250000;    // per topology: a plan's memory and time grow with it
};

} // namespace certplan
