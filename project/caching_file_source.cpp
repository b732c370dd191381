#include "project/caching_file_source.h"

namespace pgshift::project {

std::vector<DirectoryEntry> CachingFileSource::List(const std::string& directory) const {
  auto found = listings_.find(directory);
  if (found == listings_.end()) found = listings_.emplace(directory, source_.List(directory)).first;
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
