#include "scan/walk.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <sys/stat.h>

namespace certplan::scan {
namespace {

bool is_folder(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// What std::filesystem's `dir / name` gives: no second separator after a trailing one.
std::string join(const std::string& dir, const char* name) {
  std::string out = dir;
  if (!out.empty() && out.back() != '/') {
    out += '/';
  }
  return out += name;
}

} // namespace

Walk::Walk(const std::vector<std::string>& paths, std::uint64_t first_order) : m_next(first_order) {
  Frame top;
  for (const auto& p : paths) {
    top.entries.push_back({p, is_folder(p), false});
  }
  m_stack.push_back(std::move(top));
}

std::uint64_t Walk::take_order() {
  const std::uint64_t o = m_next;
  m_next += std::uint64_t{1} << k_order_shift;
  return o;
}

std::vector<Walk::Entry> Walk::list(const std::string& dir, const WalkProblem& problem) {
  std::vector<Entry> entries;
  DIR* d = ::opendir(dir.c_str());
  int error = d == nullptr ? errno : 0;
  while (d != nullptr) {
    errno = 0;
    const dirent* e = ::readdir(d);
    if (e == nullptr) {
      error = errno;
      break;
    }
    if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || (e->d_name[1] == '.' && e->d_name[2] == '\0'))) {
      continue;
    }
    Entry entry{join(dir, e->d_name)};
    // The type from the listing, without a system call, for all but links and file systems
    // that do not say; a link to a file is read, a link to a folder is not followed.
    if (e->d_type == DT_DIR) {
      entry.folder = true;
    } else if (e->d_type == DT_REG) {
      entry.regular = true;
    } else if (e->d_type == DT_LNK || e->d_type == DT_UNKNOWN) {
      struct stat st {};
      const bool link = e->d_type == DT_LNK || (::lstat(entry.path.c_str(), &st) == 0 && S_ISLNK(st.st_mode));
      if (::stat(entry.path.c_str(), &st) != 0) {
        continue; // a dangling link
      }
      entry.folder = S_ISDIR(st.st_mode) && !link;
      entry.regular = S_ISREG(st.st_mode);
    }
    if (entry.folder || entry.regular) {
      entries.push_back(std::move(entry));
    }
  }
  if (d != nullptr) {
    ::closedir(d);
  }
  if (error != 0) {
    problem(take_order(), dir, fmt::format("{}: cannot read the folder: {}", dir, std::strerror(error)));
  }
  // Sorted, so reports and problems come out in the same order every run. Names in one folder
  // share its path: byte order of the paths is the order of the names.
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.path < b.path; });
  return entries;
}

bool Walk::step(std::vector<FileJob>& out, std::size_t want, const WalkProblem& problem) {
  while (!m_stack.empty() && out.size() < want) {
    Frame& top = m_stack.back();
    if (top.next == top.entries.size()) {
      m_stack.pop_back();
      continue;
    }
    Entry& e = top.entries[top.next++];
    if (e.folder) {
      Frame sub{list(e.path, problem)};
      m_stack.push_back(std::move(sub)); // `e` and `top` are invalid from here
      return true;
    }
    out.push_back({take_order(), std::move(e.path), e.regular});
  }
  return !m_stack.empty();
}

} // namespace certplan::scan
