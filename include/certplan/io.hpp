// File output that never leaves a half-written file: write a temporary file beside the
// target and rename it into place (ccache's AtomicFile).
#pragma once

#include <certplan/limits.hpp>

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

namespace certplan {

// Writes `data` to `path` atomically with mode `mode` (before umask). Throws Error(io).
void write_file_atomic(const std::string& path, std::string_view data, unsigned mode = 0644);

// Streams output into `path` atomically: `write` fills the stream, and the file appears only
// once it has returned and everything reached the disk. Throws Error(io); an exception from
// `write` leaves no file behind.
void write_file_atomic_stream(const std::string& path, const std::function<void(std::ostream&)>& write,
                              unsigned mode = 0644);

// Reads a whole file, refusing one larger than limits.max_file_bytes. Throws Error(input)
// naming the file (and Limit::file_size when it is too large).
std::string read_file(const std::string& path, const InputLimits& limits = {});

} // namespace certplan

#include <vector>

namespace certplan {

// Files that land together or not at all (a CSR run: keys, requests, manifest). Staged in a
// private directory inside the target, then linked or renamed into place; if one step
// fails, what was placed is taken back, so the target is left as it was.
class FileSet {
public:
  enum class Existing {
    refuse,     // a file that must never be replaced (a private key): link(2), never rename
    replace,    // replaced atomically; the old one comes back if the set fails
  };
  explicit FileSet(std::string dir) : m_dir(std::move(dir)) {}

  void add(std::string name, std::string data, unsigned mode, Existing existing);
  // Names of `refuse` files that already exist in the target.
  std::vector<std::string> conflicts() const;
  // Places every file. With `aside_suffix`, existing `refuse` files are first renamed to
  // NAME + suffix (--force). Throws Error(io) after undoing its own work.
  void commit(const std::string& aside_suffix = "");

private:
  struct Entry {
    std::string name;
    std::string data;
    unsigned mode;
    Existing existing;
  };
  std::string m_dir;
  std::vector<Entry> m_entries;
};

} // namespace certplan
