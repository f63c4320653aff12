#include <certplan/error.hpp>
#include <certplan/spill.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>

namespace certplan {

namespace {

class FileSpill final : public RecordSpill {
public:
  explicit FileSpill(std::uint64_t map_bytes) : m_map_bytes(map_bytes) {
    const char* dir = std::getenv("TMPDIR");
    std::string tmpl = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/certplan-spill.XXXXXX";
    m_fd = ::mkstemp(tmpl.data());
    if (m_fd < 0) {
      throw Error(ErrorKind::io, fmt::format("{}: cannot create a temporary file: {}", tmpl, std::strerror(errno)));
    }
    ::unlink(tmpl.c_str()); // gone when the process ends, whatever happens
  }
  ~FileSpill() override {
    unmap();
    ::close(m_fd);
  }
  FileSpill(const FileSpill&) = delete;
  FileSpill& operator=(const FileSpill&) = delete;

  std::uint64_t append(std::string_view record) override {
    const std::uint64_t at = m_size + m_pending.size();
    m_pending.append(record);
    if (m_pending.size() >= (1U << 18)) {
      drain();
    }
    return at;
  }

  void sync() override {
    drain();
    if (m_size != m_mapped && m_size <= m_map_bytes) {
      unmap();
      // MAP_POPULATE: the pages are in the page cache (just written); mapping them all at once
      // costs less than a fault for each on the render threads. Failing, pread still works.
      void* at = ::mmap(nullptr, m_size, PROT_READ, MAP_SHARED | MAP_POPULATE, m_fd, 0);
      if (at != MAP_FAILED) {
        m_map = static_cast<const char*>(at);
        m_mapped = m_size;
      }
    }
  }

  std::string_view view(std::uint64_t offset, std::size_t size, std::string& scratch) const override {
    if (offset + size <= m_mapped) {
      return {m_map + offset, size};
    }
    read(offset, size, scratch);
    return scratch;
  }

  void read(std::uint64_t offset, std::size_t size, std::string& out) const override {
    if (offset + size <= m_mapped) {
      out.assign(m_map + offset, size);
      return;
    }
    if (offset + size > m_size) {
      throw Error(ErrorKind::internal, "temporary file: read before sync() or past the end");
    }
    out.resize(size);
    std::size_t done = 0;
    while (done < size) {
      const ssize_t n = ::pread(m_fd, out.data() + done, size - done, static_cast<off_t>(offset + done));
      if (n <= 0) {
        if (n < 0 && errno == EINTR) {
          continue;
        }
        throw Error(ErrorKind::io, fmt::format("temporary file: read failed: {}", n < 0 ? std::strerror(errno) : "short read"));
      }
      done += static_cast<std::size_t>(n);
    }
  }

private:
  void drain() {
    std::size_t done = 0;
    while (done < m_pending.size()) {
      const ssize_t n = ::pwrite(m_fd, m_pending.data() + done, m_pending.size() - done, static_cast<off_t>(m_size + done));
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        throw Error(ErrorKind::io, fmt::format("temporary file: write failed: {}", std::strerror(errno)));
      }
      done += static_cast<std::size_t>(n);
    }
    m_size += m_pending.size();
    m_pending.clear();
  }

  void unmap() {
    if (m_map != nullptr) {
      ::munmap(const_cast<char*>(m_map), m_mapped);
      m_map = nullptr;
      m_mapped = 0;
    }
  }

  std::uint64_t m_map_bytes;
  int m_fd = -1;
  std::uint64_t m_size = 0;
  const char* m_map = nullptr; // the file's first m_mapped bytes, once sync() mapped them
  std::uint64_t m_mapped = 0;
  std::string m_pending;
};

} // namespace

std::unique_ptr<RecordSpill> make_file_spill(std::uint64_t map_bytes) {
  return std::make_unique<FileSpill>(map_bytes);
}

} // namespace certplan
