#include "workspace/lint_inputs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>

namespace pgshift::workspace {
namespace {

// What std::filesystem calls the extension ".sql": not a name that is only ".sql".
bool IsSqlName(std::string_view name) { return name.size() > 4 && name.ends_with(".sql"); }

// The regular files named *.sql under `top`, following links to files but not to folders, and
// skipping folders whose names start with a dot (.git and friends) and folders it may not read,
// as std::filesystem's recursive_directory_iterator with skip_permission_denied does; with
// opendir and readdir, whose entries say their type, instead of a path object taken apart and
// put together for every entry (half the instructions of collecting a large tree's inputs).
// Paths are `top`, a slash unless it ends with one, then the names below it; each comes with
// whether its folder listed it as a regular file (not a link).
void FindSqlFiles(const std::string& top, std::vector<std::pair<std::string, bool>>& found,
                  std::error_code& error) {
  std::vector<std::string> folders{top};
  while (!folders.empty() && !error) {
    std::string folder = std::move(folders.back());
    folders.pop_back();
    DIR* listing = opendir(folder.c_str());
    if (listing == nullptr) {
      if (errno != EACCES) error = std::error_code(errno, std::generic_category());
      continue;
    }
    if (!folder.ends_with('/')) folder += '/';
    const dirent* entry;
    for (errno = 0; (entry = readdir(listing)) != nullptr; errno = 0) {
      const std::string_view name = entry->d_name;
      if (name == "." || name == "..") continue;
      unsigned char type = entry->d_type;
      struct stat info {};
      const auto path = [&] { return folder + std::string(name); };
      if (type == DT_UNKNOWN && lstat(path().c_str(), &info) == 0) type = IFTODT(info.st_mode);
      // A link counts as the file it points to (not followed into a folder).
      if (type == DT_LNK && IsSqlName(name) && stat(path().c_str(), &info) == 0) {
        type = IFTODT(info.st_mode);
        if (type == DT_DIR) continue;
      }
      if (type == DT_DIR) {
        if (!name.starts_with('.')) folders.push_back(path());
      } else if (type == DT_REG && IsSqlName(name)) {
        found.emplace_back(path(), entry->d_type == DT_REG);
      }
    }
    if (errno != 0) error = std::error_code(errno, std::generic_category());
    closedir(listing);
  }
}

}  // namespace

InputsResult CollectInputs(const std::vector<std::string>& paths, const std::string& stdin_name) {
  namespace fs = std::filesystem;
  InputsResult result;
  for (const std::string& arg : paths) {
    if (arg == "-") {
      result.inputs.push_back(
          {stdin_name.empty() ? fs::path("<stdin>") : fs::path(stdin_name), true});
      continue;
    }
    std::error_code error;
    const fs::file_status status = fs::status(arg, error);
    if (error || !fs::exists(status)) {
      result.errors.push_back(arg + ": no such file or directory");
      continue;
    }
    if (!fs::is_directory(status)) {
      result.inputs.push_back({arg, false});
      continue;
    }
    std::vector<std::pair<std::string, bool>> found;  // path, listed as a regular file
    FindSqlFiles(arg, found, error);
    if (error) result.errors.push_back(arg + ": " + error.message());
    if (!error && found.empty()) result.without_sql.push_back(arg);
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return PathLess(a.first, b.first); });
    for (auto& [path, regular] : found) {
      result.inputs.push_back({std::move(path), false, nullptr, regular});
    }
  }
  return result;
}

bool PathLess(std::string_view a, std::string_view b) {
  // The first byte where they differ, eight bytes at a time: paths under one folder share a long
  // start.
  const std::size_t common = std::min(a.size(), b.size());
  std::size_t i = 0;
  if constexpr (std::endian::native == std::endian::little) {
    for (; i + 8 <= common; i += 8) {
      std::uint64_t x, y;
      std::memcpy(&x, a.data() + i, 8);
      std::memcpy(&y, b.data() + i, 8);
      if (x != y) {
        i += static_cast<std::size_t>(std::countr_zero(x ^ y)) / 8;
        break;
      }
    }
  }
  while (i < common && a[i] == b[i]) ++i;
  if (i == common) return a.size() < b.size();
  // Where one element ends (at a slash) and the other goes on, the shorter element comes first;
  // otherwise the bytes decide, unsigned, as std::string's compare does.
  if (a[i] == '/') return true;
  if (b[i] == '/') return false;
  return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
}

namespace {

std::string Megabytes(std::uintmax_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / (1024 * 1024));
  return text;
}

// `size` is known for a file, not for a stream cut off at the limit.
std::string TooLarge(const std::string& name, std::optional<std::uintmax_t> size,
                     std::size_t max_bytes) {
  return name + ": " + (size ? Megabytes(*size) + ", over" : std::string("more than")) + " the " +
         Megabytes(max_bytes) +
         " pgshift reads from one file (a quarter of max_memory); raise max_memory in "
         "pgshift.toml or --max-memory (docs/configuration.md)";
}

// Reads at most max_bytes + 1 bytes, so that an endless stream cannot exhaust memory.
bool ReadBounded(std::istream& in, const std::string& name, std::string& contents,
                 std::string& error, std::size_t max_bytes, std::size_t expected = 0) {
  contents.clear();
  // A file's size is known: one allocation, not a string doubling up to twice it.
  contents.reserve(std::min(expected, max_bytes));
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof buffer);
    contents.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (contents.size() > max_bytes) {
      error = TooLarge(name, std::nullopt, max_bytes);
      contents.clear();
      contents.shrink_to_fit();
      return false;
    }
  }
  if (in.bad()) {
    error = name + ": read error";
    return false;
  }
  return true;
}

// As above, from an open file.
bool ReadBounded(int fd, const std::string& name, std::string& contents, std::string& error,
                 std::size_t max_bytes, std::size_t expected) {
  contents.clear();
  contents.reserve(std::min(expected, max_bytes));
  char buffer[1 << 16];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      error = name + ": read error";
      return false;
    }
    if (got == 0) return true;
    contents.append(buffer, static_cast<std::size_t>(got));
    if (contents.size() > max_bytes) {
      error = TooLarge(name, std::nullopt, max_bytes);
      contents.clear();
      contents.shrink_to_fit();
      return false;
    }
  }
}

}  // namespace

bool ReadPath(const std::string& path, std::string& contents, std::string& error,
              std::size_t max_bytes) {
  // The file descriptor straight into the string: an ifstream allocated and freed an 8 KB
  // buffer per file, which cost more than reading most migrations. Its size from the open file
  // (fstat), not the path: looking a long path up again cost as much as reading a small file.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = path + ": cannot read: " + std::strerror(errno);
    return false;
  }
  struct stat info {};
  const bool sized = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode);
  const auto size = sized ? static_cast<std::uintmax_t>(info.st_size) : 0;
  if (sized && size > max_bytes) {
    ::close(fd);
    error = TooLarge(path, size, max_bytes);
    return false;
  }
  const bool read =
      ReadBounded(fd, path, contents, error, max_bytes, static_cast<std::size_t>(size));
  ::close(fd);
  return read;
}

bool ReadInput(const LintInput& input, std::string& contents, std::string& error,
               std::size_t max_bytes) {
  if (input.text != nullptr) {
    if (input.text->size() > max_bytes) {
      error = TooLarge(input.path, input.text->size(), max_bytes);
      return false;
    }
    contents = *input.text;
    return true;
  }
  if (input.from_stdin) return ReadBounded(std::cin, input.path, contents, error, max_bytes);
  return ReadPath(input.path, contents, error, max_bytes);
}

}  // namespace pgshift::workspace
