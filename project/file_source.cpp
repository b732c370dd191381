#include "project/file_source.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

namespace pgshift::project {

namespace fs = std::filesystem;

bool FileSource::IsFile(const std::string& path) const {
  const std::string_view base = BaseName(path);
  for (const DirectoryEntry& entry : List(std::string(DirName(path)))) {
    if (entry.name == base) return !entry.is_directory;
  }
  return false;
}

bool FileSource::IsDirectory(const std::string& path) const {
  const std::string_view base = BaseName(path);
  for (const DirectoryEntry& entry : List(std::string(DirName(path)))) {
    if (entry.name == base) return entry.is_directory;
  }
  return false;
}

std::vector<DirectoryEntry> DiskFileSource::List(const std::string& directory) const {
  std::vector<DirectoryEntry> entries;
  std::error_code error;
  for (fs::directory_iterator it(directory.empty() ? "." : directory, error);
       !error && it != fs::directory_iterator(); it.increment(error)) {
    std::error_code ignored;
    const bool is_directory = it->is_directory(ignored);
    if (!is_directory && !it->is_regular_file(ignored)) continue;
    entries.push_back({it->path().filename().string(), is_directory});
  }
  std::sort(entries.begin(), entries.end(),
            [](const DirectoryEntry& a, const DirectoryEntry& b) { return a.name < b.name; });
  return entries;
}

std::optional<std::string> DiskFileSource::Read(const std::string& path, std::size_t limit) const {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  // Sized to the file (one byte more, to meet its end) rather than to `limit`: filling 64 KiB
  // for every head of a few KiB cost more than reading it. A file that is longer than it was
  // said to be is read on up to `limit`.
  std::size_t size = limit;
  std::error_code error;
  if (const auto bytes = fs::file_size(path, error); !error) size = std::min(limit, bytes + 1);
  std::string text(size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  std::size_t got = static_cast<std::size_t>(in.gcount());
  if (got == size && size < limit && !in.bad()) {
    text.resize(limit);
    in.read(text.data() + size, static_cast<std::streamsize>(limit - size));
    got += static_cast<std::size_t>(in.gcount());
  }
  if (in.bad()) return std::nullopt;
  text.resize(got);
  return text;
}

std::vector<DirectoryEntry> MemoryFileSource::List(const std::string& directory) const {
  const std::string prefix = directory.empty() ? "" : directory + "/";
  std::map<std::string, bool> found;  // name -> is a directory
  for (auto it = files_.lower_bound(prefix); it != files_.end(); ++it) {
    if (!it->first.starts_with(prefix)) break;
    const std::string rest = it->first.substr(prefix.size());
    const std::size_t slash = rest.find('/');
    if (slash == std::string::npos) {
      found.emplace(rest, false);
    } else {
      found[rest.substr(0, slash)] = true;
    }
  }
  std::vector<DirectoryEntry> entries;
  for (const auto& [name, is_directory] : found) entries.push_back({name, is_directory});
  return entries;
}

std::optional<std::string> MemoryFileSource::Read(const std::string& path,
                                                  std::size_t limit) const {
  const auto found = files_.find(path);
  if (found == files_.end()) return std::nullopt;
  return found->second.substr(0, limit);
}

std::string_view BaseName(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view DirName(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return {};
  return slash == 0 ? path.substr(0, 1) : path.substr(0, slash);
}

std::string JoinPath(std::string_view directory, std::string_view name) {
  if (directory.empty()) return std::string(name);
  // One allocation: paths are joined for every file of every listing.
  std::string path;
  path.reserve(directory.size() + 1 + name.size());
  path += directory;
  if (directory.back() != '/') path += '/';
  path += name;
  return path;
}

}  // namespace pgshift::project
