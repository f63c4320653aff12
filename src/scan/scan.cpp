#include <certplan/error.hpp>
#include <certplan/scan.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace certplan {
namespace {

constexpr std::string_view k_begin = "-----BEGIN CERTIFICATE-----";
constexpr std::string_view k_end = "-----END CERTIFICATE-----";
constexpr std::size_t k_chunk = std::size_t{256} << 10;
constexpr std::size_t k_batch_bytes = std::size_t{64} << 10;

// Blocks handed to the decoding threads, many small files' worth at a time.
struct Batch {
  struct Item {
    std::uint64_t order;
    std::uint32_t source; // into `sources`
    std::uint32_t line;   // of the BEGIN line; 0 for DER
    std::uint32_t block;  // 1-based within its file
    std::size_t offset;
    std::size_t size;
  };
  std::vector<std::string> sources;
  std::string text;
  std::vector<Item> items;
};

// A bounded queue: the reader waits when the decoders fall behind, which is what keeps
// memory flat whatever the size of the input.
class Queue {
public:
  explicit Queue(std::size_t capacity) : m_capacity(capacity) {}
  void push(Batch&& b) {
    std::unique_lock lock(m_mutex);
    m_not_full.wait(lock, [&] { return m_items.size() < m_capacity; });
    m_items.push_back(std::move(b));
    m_not_empty.notify_one();
  }
  bool pop(Batch& out) {
    std::unique_lock lock(m_mutex);
    m_not_empty.wait(lock, [&] { return !m_items.empty() || m_closed; });
    if (m_items.empty()) {
      return false;
    }
    out = std::move(m_items.front());
    m_items.pop_front();
    m_not_full.notify_one();
    return true;
  }
  void close() {
    std::lock_guard lock(m_mutex);
    m_closed = true;
    m_not_empty.notify_all();
  }

private:
  std::size_t m_capacity;
  std::deque<Batch> m_items;
  bool m_closed = false;
  std::mutex m_mutex;
  std::condition_variable m_not_full;
  std::condition_variable m_not_empty;
};

class Scanner {
public:
  Scanner(ScanSink& sink, const ScanLimits& limits, std::uint64_t first_order)
      : m_sink(sink), m_limits(limits), m_order(first_order), m_queue(4) {
    unsigned n = limits.threads != 0 ? limits.threads : std::max(1U, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < n; ++i) {
      m_workers.emplace_back([this] { decode_loop(); });
    }
  }
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;
  ~Scanner() { finish(); }

  std::uint64_t finish() {
    if (!m_workers.empty()) {
      flush();
      m_queue.close();
      for (auto& t : m_workers) {
        t.join();
      }
      m_workers.clear();
    }
    return m_order;
  }

  void scan_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      problem(path, fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
      return;
    }
    try {
      read_fd(fd, path);
    } catch (...) {
      ::close(fd);
      throw;
    }
    ::close(fd);
    ++m_progress.files;
  }

  void scan_folder(const std::filesystem::path& dir, const std::function<void(const ScanProgress&)>& progress) {
    std::vector<std::filesystem::directory_entry> entries;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      entries.push_back(*it);
    }
    if (ec) {
      problem(dir.string(), fmt::format("{}: cannot read the folder: {}", dir.string(), ec.message()));
    }
    // Sorted, so reports and problems come out in the same order every run.
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.path() < b.path(); });
    for (const auto& e : entries) {
      std::error_code tec;
      if (e.is_symlink(tec) && e.is_directory(tec)) {
        continue; // not followed: a link back up would loop
      }
      if (e.is_directory(tec)) {
        scan_folder(e.path(), progress);
      } else if (e.is_regular_file(tec)) {
        scan_file(e.path().string());
        if (progress && m_progress.files % 64 == 0) {
          progress(m_progress);
        }
      }
    }
  }

  const ScanProgress& progress() const { return m_progress; }

private:
  void problem(const std::string& source, std::string message) {
    const std::uint64_t order = m_order++;
    std::lock_guard lock(m_sink_mutex);
    m_sink.problem(order, {source, std::move(message)});
  }

  std::uint32_t source_index(const std::string& path) {
    if (m_batch.sources.empty() || m_batch.sources.back() != path) {
      m_batch.sources.push_back(path);
    }
    return static_cast<std::uint32_t>(m_batch.sources.size() - 1);
  }

  void add_block(const std::string& path, std::string_view text, std::uint32_t line, std::uint32_t block) {
    const std::uint32_t source = source_index(path);
    m_batch.items.push_back({m_order++, source, line, block, m_batch.text.size(), text.size()});
    m_batch.text.append(text);
    if (m_batch.text.size() >= k_batch_bytes) {
      flush();
    }
  }

  void flush() {
    if (!m_batch.items.empty()) {
      m_queue.push(std::move(m_batch));
    }
    m_batch = Batch{};
  }

  // Reads up to `want` bytes; fewer only at the end of the file.
  std::size_t read_some(int fd, const std::string& path, char* buf, std::size_t want) {
    std::size_t got = 0;
    while (got < want) {
      const ssize_t n = ::read(fd, buf + got, want - got);
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        throw Error(ErrorKind::input, fmt::format("{}: read failed: {}", path, std::strerror(errno)));
      }
      if (n == 0) {
        break;
      }
      got += static_cast<std::size_t>(n);
    }
    m_progress.bytes += got;
    return got;
  }

  void read_fd(int fd, const std::string& path) {
    std::size_t n = 0;
    try {
      n = read_some(fd, path, m_chunk.get(), k_chunk);
    } catch (const Error& e) {
      problem(path, e.message());
      return;
    }
    // Most files are one small certificate: copy what was read, not a zeroed megabyte.
    std::string& buf = m_carry;
    buf.assign(m_chunk.get(), n);
    if (n == 0) {
      problem(path, fmt::format("{}: empty file", path));
      return;
    }
    const bool pem = buf.find(k_begin) != std::string::npos;
    if (!pem && static_cast<unsigned char>(buf[0]) == 0x30) {
      read_der(fd, path, buf);
      return;
    }
    read_pem(fd, path, buf);
  }

  void read_der(int fd, const std::string& path, std::string& data) {
    try {
      bool more = data.size() == k_chunk;
      while (more) {
        if (data.size() >= m_limits.max_der_file_bytes) {
          problem(path, fmt::format("{}: a DER file larger than {} bytes is not read (--max-file-size)", path,
                                    m_limits.max_der_file_bytes));
          return;
        }
        const std::size_t got = read_some(fd, path, m_chunk.get(), k_chunk);
        data.append(m_chunk.get(), got);
        more = got == k_chunk;
      }
    } catch (const Error& e) {
      problem(path, e.message());
      return;
    }
    std::string_view rest = data;
    std::uint32_t block = 0;
    while (!rest.empty()) {
      const std::size_t size = der_element_size(rest);
      if (size == 0) {
        problem(path, block == 0 ? fmt::format("{}: not a DER or PEM certificate", path)
                                 : fmt::format("{}: {} bytes after certificate {} are not DER", path, rest.size(), block));
        return;
      }
      add_block(path, rest.substr(0, size), 0, ++block);
      rest.remove_prefix(size);
    }
  }

  void read_pem(int fd, const std::string& path, std::string& carry) {
    std::uint32_t line = 1;        // line number of carry[counted]
    std::size_t counted = 0;       // carry[0, counted) has been counted into `line`
    std::uint32_t blocks = 0;
    bool eof = carry.size() < k_chunk;
    for (;;) {
      std::size_t pos = 0;
      std::size_t keep = std::string::npos; // where the unprocessed tail starts
      for (;;) {
        const std::size_t b = carry.find(k_begin, pos);
        if (b == std::string::npos) {
          keep = carry.size() > k_begin.size() ? std::max(pos, carry.size() - (k_begin.size() - 1)) : pos;
          break;
        }
        line += static_cast<std::uint32_t>(std::count(carry.begin() + static_cast<std::ptrdiff_t>(counted),
                                                      carry.begin() + static_cast<std::ptrdiff_t>(b), '\n'));
        counted = b;
        const std::size_t e = carry.find(k_end, b + k_begin.size());
        if (e == std::string::npos || e - b > m_limits.max_block_bytes) {
          if (carry.size() - b > m_limits.max_block_bytes || (eof && e == std::string::npos)) {
            ++blocks;
            problem(path, fmt::format("{}:{}: certificate block {}: {}", path, line, blocks,
                                      e == std::string::npos && carry.size() - b <= m_limits.max_block_bytes
                                          ? "no END CERTIFICATE line"
                                          : fmt::format("longer than {} bytes (--max-block-size)", m_limits.max_block_bytes)));
            pos = b + k_begin.size();
            continue;
          }
          keep = b;
          break;
        }
        ++blocks;
        add_block(path, std::string_view(carry).substr(b, e + k_end.size() - b), line, blocks);
        pos = e + k_end.size();
      }
      if (eof) {
        break;
      }
      // Count the lines of what is dropped, then keep only the unprocessed tail.
      keep = std::min(keep, carry.size());
      if (keep > counted) {
        line += static_cast<std::uint32_t>(std::count(carry.begin() + static_cast<std::ptrdiff_t>(counted),
                                                      carry.begin() + static_cast<std::ptrdiff_t>(keep), '\n'));
        counted = keep;
      }
      carry.erase(0, keep);
      counted -= keep;
      std::size_t got = 0;
      try {
        got = read_some(fd, path, m_chunk.get(), k_chunk);
      } catch (const Error& e) {
        problem(path, e.message());
        return;
      }
      carry.append(m_chunk.get(), got);
      eof = got < k_chunk;
    }
    if (blocks == 0) {
      problem(path, fmt::format("{}: no certificate found", path));
    }
  }

  void decode_loop() {
    Batch batch;
    struct Found {
      std::uint64_t order;
      std::uint32_t source;
      CertificateInfo cert;
    };
    std::vector<Found> found;
    std::vector<std::pair<std::uint64_t, SourceProblem>> bad;
    while (m_queue.pop(batch)) {
      found.clear();
      bad.clear();
      for (const auto& item : batch.items) {
        const std::string_view text = std::string_view(batch.text).substr(item.offset, item.size);
        try {
          found.push_back({item.order, item.source, read_certificate_summary(text)});
        } catch (const Error& e) {
          const std::string& path = batch.sources[item.source];
          bad.emplace_back(item.order, SourceProblem{path, item.line != 0 ? fmt::format("{}:{}: certificate block {}: {}", path,
                                                                                        item.line, item.block, e.message())
                                                                          : fmt::format("{}: DER certificate {}: {}", path,
                                                                                        item.block, e.message())});
        }
      }
      std::lock_guard lock(m_sink_mutex);
      for (auto& f : found) {
        m_sink.certificate(f.order, batch.sources[f.source], std::move(f.cert));
      }
      for (auto& [order, p] : bad) {
        m_sink.problem(order, std::move(p));
      }
    }
  }

  ScanSink& m_sink;
  ScanLimits m_limits;
  std::uint64_t m_order;
  Queue m_queue;
  Batch m_batch;
  std::unique_ptr<char[]> m_chunk{new char[k_chunk]}; // not zeroed: read(2) fills it
  std::string m_carry;
  ScanProgress m_progress;
  std::mutex m_sink_mutex;
  std::vector<std::thread> m_workers;
};

} // namespace

std::uint64_t scan_paths(const std::vector<std::string>& paths, ScanSink& sink, const ScanLimits& limits,
                         std::uint64_t first_order, const std::function<void(const ScanProgress&)>& progress) {
  Scanner scanner(sink, limits, first_order);
  for (const auto& p : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      scanner.scan_folder(p, progress);
    } else {
      scanner.scan_file(p);
    }
  }
  const std::uint64_t next = scanner.finish();
  if (progress) {
    progress(scanner.progress());
  }
  return next;
}

} // namespace certplan
