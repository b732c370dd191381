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
  std::string text(limit, '\0');
  in.read(text.data(), static_cast<std::streamsize>(limit));
  if (in.bad()) return std::nullopt;
  text.resize(static_cast<std::size_t>(in.gcount()));
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
  if (directory.back() == '/') return std::string(directory) + std::string(name);
  return std::string(directory) + "/" + std::string(name);
}

}  // namespace pgshift::project
