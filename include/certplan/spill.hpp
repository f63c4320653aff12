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
  // The same bytes without a copy where the spill has them in memory (a mapped file): a view
  // of them, valid until the next sync(); elsewhere read() into `scratch`, and a view of it.
  // The report's readers take every record once or twice per output (issue 18: the copy of
  // each, with the strings made of it, was a fifth of a table's rendering).
  virtual std::string_view view(std::uint64_t offset, std::size_t size, std::string& scratch) const {
    read(offset, size, scratch);
    return scratch;
  }
  virtual void sync() {}
};

// After sync(), a file spill up to this size is mapped whole. The output phase reads every
// record once per pass in notAfter order, which is random order in the file: a pread per
// record, two per certificate for a table (widths, then rows), was 39 % of a 100,000-
// certificate bundle's run. A larger spill is read with pread: mapped pages count in the
// process's resident size, and this is the bound on them (100,000 certificates without their
// SANs, as the text formats keep them, are about 14 MB).
constexpr std::uint64_t k_spill_map_bytes = std::uint64_t{32} << 20;

// A RecordSpill in an unlinked temporary file under $TMPDIR (or /tmp): the page cache holds
// it, not the process. Throws Error(io). Implemented in src/io.
std::unique_ptr<RecordSpill> make_file_spill(std::uint64_t map_bytes = k_spill_map_bytes);

} // namespace certplan
