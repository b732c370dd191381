// A FileSource that asks the one it wraps once per directory and file: recognising a folder's
// migration tool lets every known tool list the same directories and read the heads of the same
// files, and these reads are the same answers each time. Not thread-safe; meant to live for one
// recognition.
#pragma once

#include <map>

#include "project/file_source.h"

namespace pgshift::project {

class CachingFileSource : public FileSource {
 public:
  explicit CachingFileSource(const FileSource& source) : source_(source) {}
  std::vector<DirectoryEntry> List(const std::string& directory) const override;
  std::optional<std::string> Read(const std::string& path, std::size_t limit) const override;
  // From the held listing, without copying it as List does.
  bool IsFile(const std::string& path) const override;
  bool IsDirectory(const std::string& path) const override;
  // Listed once per root, as listings are.
  SqlFiles FlatSqlFiles(const std::string& root) const override;

 private:
  const std::vector<DirectoryEntry>& Listing(const std::string& directory) const;
  const DirectoryEntry* Entry(const std::string& path) const;

  struct Head {
    std::size_t limit = 0;             // the most bytes asked for so far
    std::optional<std::string> bytes;  // what that read gave
  };
  const FileSource& source_;
  mutable std::map<std::string, std::vector<DirectoryEntry>> listings_;
  mutable std::map<std::string, Head> heads_;
  mutable std::map<std::string, SqlFiles> flat_;
};

}  // namespace pgshift::project
