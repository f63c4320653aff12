#include <certplan/error.hpp>
#include <certplan/spill.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace certplan {

namespace {

class FileSpill final : public RecordSpill {
public:
  FileSpill() {
    const char* dir = std::getenv("TMPDIR");
    std::string tmpl = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/certplan-spill.XXXXXX";
    m_fd = ::mkstemp(tmpl.data());
    if (m_fd < 0) {
      throw Error(ErrorKind::io, fmt::format("{}: cannot create a temporary file: {}", tmpl, std::strerror(errno)));
    }
    ::unlink(tmpl.c_str()); // gone when the process ends, whatever happens
  }
  ~FileSpill() override { ::close(m_fd); }
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

  void sync() override { drain(); }

  void read(std::uint64_t offset, std::size_t size, std::string& out) const override {
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

  int m_fd = -1;
  std::uint64_t m_size = 0;
  std::string m_pending;
};

} // namespace

std::unique_ptr<RecordSpill> make_file_spill() {
  return std::make_unique<FileSpill>();
}

} // namespace certplan
