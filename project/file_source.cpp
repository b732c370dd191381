#include "project/file_source.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "project/tool_helpers.h"

namespace pgshift::project {

namespace fs = std::filesystem;

bool FileSource::IsFile(const std::string& path) const {
  const std::string_view base = BaseName(path);
  for (const DirectoryEntry& entry : List(std::string(DirName(path)))) {
    if (entry.name == base) return !entry.is_directory;
  }
  return false;
}

SqlFiles FileSource::FlatSqlFiles(const std::string& root) const {
  return std::make_shared<const std::vector<std::string>>(ListFlat(root, *this));
}

bool FileSource::IsDirectory(const std::string& path) const {
  const std::string_view base = BaseName(path);
  for (const DirectoryEntry& entry : List(std::string(DirName(path)))) {
    if (entry.name == base) return entry.is_directory;
  }
  return false;
}

std::vector<DirectoryEntry> DiskFileSource::List(const std::string& directory) const {
  // readdir rather than std::filesystem::directory_iterator, which builds and splits a path for
  // every entry: listing the folders took a sixth of recognising their tools. The type readdir
  // gives is used when it has one; a link, or a file system that gives none, is asked with stat,
  // which follows links as directory_entry's is_directory and is_regular_file do.
  std::vector<DirectoryEntry> entries;
  DIR* dir = opendir(directory.empty() ? "." : directory.c_str());
  if (dir == nullptr) return entries;
  std::string path = directory.empty() ? std::string() : directory + "/";
  const std::size_t prefix = path.size();
  while (const dirent* entry = readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    bool is_directory = entry->d_type == DT_DIR;
    bool is_file = entry->d_type == DT_REG;
    if (entry->d_type == DT_LNK || entry->d_type == DT_UNKNOWN) {
      path.resize(prefix);
      path += name;
      struct stat status;
      if (stat(path.c_str(), &status) == 0) {
        is_directory = S_ISDIR(status.st_mode);
        is_file = S_ISREG(status.st_mode);
      }
    }
    if (is_directory || is_file) entries.push_back({std::string(name), is_directory});
  }
  closedir(dir);
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

namespace {

// Where the last '/' of `path` is. glibc's memrchr looks at many bytes a step; string_view's
// rfind at one, which made splitting paths a noticeable part of recognising a folder's tool.
std::size_t LastSlash(std::string_view path) {
#if defined(__GLIBC__)
  const void* slash = path.empty() ? nullptr : memrchr(path.data(), '/', path.size());
  return slash == nullptr ? std::string_view::npos
                          : static_cast<std::size_t>(static_cast<const char*>(slash) - path.data());
#else
  return path.rfind('/');
#endif
}

}  // namespace

std::string_view BaseName(std::string_view path) {
  const std::size_t slash = LastSlash(path);
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view DirName(std::string_view path) {
  const std::size_t slash = LastSlash(path);
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
