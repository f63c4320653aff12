// File output that never leaves a half-written file: write a temporary file beside the
// target and rename it into place (ccache's AtomicFile).
#pragma once

#include <string>
#include <string_view>

namespace certplan {

// Writes `data` to `path` atomically with mode `mode` (before umask). Throws Error(io).
void write_file_atomic(const std::string& path, std::string_view data, unsigned mode = 0644);

// Reads a whole file. Throws Error(input) naming the file.
std::string read_file(const std::string& path);

} // namespace certplan
