#include "project/caching_file_source.h"

namespace pgshift::project {

const std::vector<DirectoryEntry>& CachingFileSource::Listing(const std::string& directory) const {
  auto found = listings_.find(directory);
  if (found == listings_.end()) found = listings_.emplace(directory, source_.List(directory)).first;
  return found->second;
}

std::vector<DirectoryEntry> CachingFileSource::List(const std::string& directory) const {
  return Listing(directory);
}

const DirectoryEntry* CachingFileSource::Entry(const std::string& path) const {
  const std::string_view base = BaseName(path);
  for (const DirectoryEntry& entry : Listing(std::string(DirName(path)))) {
    if (entry.name == base) return &entry;
  }
  return nullptr;
}

bool CachingFileSource::IsFile(const std::string& path) const {
  const DirectoryEntry* entry = Entry(path);
  return entry != nullptr && !entry->is_directory;
}

bool CachingFileSource::IsDirectory(const std::string& path) const {
  const DirectoryEntry* entry = Entry(path);
  return entry != nullptr && entry->is_directory;
}

SqlFiles CachingFileSource::FlatSqlFiles(const std::string& root) const {
  auto found = flat_.find(root);
  if (found == flat_.end()) found = flat_.emplace(root, FileSource::FlatSqlFiles(root)).first;
  return found->second;
}

std::optional<std::string> CachingFileSource::Read(const std::string& path,
                                                   std::size_t limit) const {
  auto found = heads_.find(path);
  if (found != heads_.end()) {
    const Head& head = found->second;
    if (!head.bytes) return std::nullopt;
    // A shorter read than was asked for reached the end of the file: any limit is answered.
    if (limit <= head.limit || head.bytes->size() < head.limit) return head.bytes->substr(0, limit);
  }
  Head head{limit, source_.Read(path, limit)};
  std::optional<std::string> bytes = head.bytes;
  heads_[path] = std::move(head);
  return bytes;
}

}  // namespace pgshift::project
