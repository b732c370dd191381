// What recognising a migration tool may look at: directory listings and file contents. Behind an
// interface so that the same recognition can read a git tree as well as the disk; tests give an
// in-memory one. Paths use '/' separators and are passed through as given.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgshift::project {

struct DirectoryEntry {
  std::string name;
  bool is_directory = false;
};

// The .sql files of a history, shared rather than copied: recognition hands one listing to
// every tool, and copying its paths for each cost more than the tools' own tests.
using SqlFiles = std::shared_ptr<const std::vector<std::string>>;

class FileSource {
 public:
  virtual ~FileSource() = default;
  // The entries of `directory`, sorted by name; empty when it is missing or unreadable.
  virtual std::vector<DirectoryEntry> List(const std::string& directory) const = 0;
  // At most the first `limit` bytes of a file; nullopt when it is missing or unreadable.
  virtual std::optional<std::string> Read(const std::string& path, std::size_t limit) const = 0;

  // Whether `path` is listed in its directory as a file, or as a directory.
  virtual bool IsFile(const std::string& path) const;
  virtual bool IsDirectory(const std::string& path) const;
  // What ListFlat (project/tool_helpers.h) finds under `root`, which is what it gives here. A
  // source that keeps its listings keeps this too: recognition asks it of every tool.
  virtual SqlFiles FlatSqlFiles(const std::string& root) const;
};

// The file system.
class DiskFileSource : public FileSource {
 public:
  std::vector<DirectoryEntry> List(const std::string& directory) const override;
  std::optional<std::string> Read(const std::string& path, std::size_t limit) const override;
};

// Files held in memory, by path: directories are implied by the paths under them.
class MemoryFileSource : public FileSource {
 public:
  explicit MemoryFileSource(std::map<std::string, std::string> files) : files_(std::move(files)) {}
  std::vector<DirectoryEntry> List(const std::string& directory) const override;
  std::optional<std::string> Read(const std::string& path, std::size_t limit) const override;

 private:
  std::map<std::string, std::string> files_;
};

// "a/b/c.sql" -> "c.sql"; "c.sql" -> "c.sql".
std::string_view BaseName(std::string_view path);
// "a/b/c.sql" -> "a/b"; "c.sql" -> "".
std::string_view DirName(std::string_view path);
// "a/b" + "c.sql" -> "a/b/c.sql"; an empty directory gives the name alone.
std::string JoinPath(std::string_view directory, std::string_view name);

}  // namespace pgshift::project
