// Append-only record storage that keeps bulk data out of the process's memory.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace certplan {

// Where a report keeps the names and sources of its certificates, so that memory stays flat
// for 100,000 of them: the CLI passes an unlinked temporary file.
class RecordSpill {
public:
  virtual ~RecordSpill() = default;
  virtual std::uint64_t append(std::string_view record) = 0; // returns the record's offset
  // Safe to call from several threads at once, once sync() has run after the last append.
  virtual void read(std::uint64_t offset, std::size_t size, std::string& out) const = 0;
  virtual void sync() {}
};

// A RecordSpill in an unlinked temporary file under $TMPDIR (or /tmp): the page cache holds
// it, not the process. Throws Error(io). Implemented in src/io.
std::unique_ptr<RecordSpill> make_file_spill();

} // namespace certplan
