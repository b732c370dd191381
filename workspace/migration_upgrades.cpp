#include "workspace/migration_upgrades.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <utility>

#include "workspace/git.h"
#include "workspace/release_paths.h"

namespace pgshift::workspace {
namespace {

// A repository whose trees hold more than this many directories below the history root is not
// read tag by tag (a history root at the top of a large monorepo): upgrades are not inferred.
constexpr std::size_t kMaxTrees = 200000;

struct Version {
  std::vector<unsigned long long> numbers;
  std::string suffix;  // "-rc.1" for a pre-release; empty for a final version
};

Version ParseVersion(std::string_view tag) {
  Version version;
  std::size_t i = 0;
  while (i < tag.size() && !std::isdigit(static_cast<unsigned char>(tag[i]))) ++i;
  while (i < tag.size() && std::isdigit(static_cast<unsigned char>(tag[i]))) {
    unsigned long long number = 0;
    for (; i < tag.size() && std::isdigit(static_cast<unsigned char>(tag[i])); ++i) {
      number = std::min<unsigned long long>(number * 10 + static_cast<unsigned>(tag[i] - '0'),
                                            1ULL << 60);
    }
    version.numbers.push_back(number);
    if (i + 1 < tag.size() && tag[i] == '.' &&
        std::isdigit(static_cast<unsigned char>(tag[i + 1]))) {
      ++i;
    } else {
      break;
    }
  }
  version.suffix = std::string(tag.substr(i));
  return version;
}

// Compares digit runs as numbers ("rc.10" after "rc.9").
int NaturalCompare(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const bool da = std::isdigit(static_cast<unsigned char>(a[i]));
    const bool db = std::isdigit(static_cast<unsigned char>(b[j]));
    if (da && db) {
      std::size_t ei = i, ej = j;
      while (ei < a.size() && std::isdigit(static_cast<unsigned char>(a[ei]))) ++ei;
      while (ej < b.size() && std::isdigit(static_cast<unsigned char>(b[ej]))) ++ej;
      std::string_view na = a.substr(i, ei - i), nb = b.substr(j, ej - j);
      while (na.size() > 1 && na.front() == '0') na.remove_prefix(1);
      while (nb.size() > 1 && nb.front() == '0') nb.remove_prefix(1);
      if (na.size() != nb.size()) return na.size() < nb.size() ? -1 : 1;
      if (na != nb) return na < nb ? -1 : 1;
      i = ei;
      j = ej;
    } else {
      if (a[i] != b[j]) return a[i] < b[j] ? -1 : 1;
      ++i;
      ++j;
    }
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

// A tree object's entries: <mode> SP <name> NUL <raw object id>.
struct TreeEntry {
  std::string name;
  std::string id;  // hex
  bool directory = false;
  bool file = false;
};

std::vector<TreeEntry> ParseTree(std::string_view data, std::size_t id_bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::vector<TreeEntry> entries;
  std::size_t at = 0;
  while (at < data.size()) {
    const std::size_t space = data.find(' ', at);
    const std::size_t nul = data.find('\0', space == std::string_view::npos ? at : space);
    if (space == std::string_view::npos || nul == std::string_view::npos ||
        nul + 1 + id_bytes > data.size()) {
      break;
    }
    const std::string_view mode = data.substr(at, space - at);
    TreeEntry entry;
    entry.name = std::string(data.substr(space + 1, nul - space - 1));
    for (std::size_t k = 0; k < id_bytes; ++k) {
      const auto byte = static_cast<unsigned char>(data[nul + 1 + k]);
      entry.id += kHex[byte >> 4];
      entry.id += kHex[byte & 15];
    }
    entry.directory = mode == "40000";
    entry.file = mode.starts_with("100");
    entries.push_back(std::move(entry));
    at = nul + 1 + id_bytes;
  }
  return entries;
}

// Reads the trees below the history root of every tag once (tags that share a tree share the
// reading), descending only into directories that lead to a wanted file.
class TreeReader {
 public:
  TreeReader(const Git& git, std::set<std::string> wanted) : git_(git), wanted_(std::move(wanted)) {
    for (const std::string& file : wanted_) {
      for (std::size_t slash = file.find('/'); slash != std::string::npos;
           slash = file.find('/', slash + 1)) {
        directories_.insert(file.substr(0, slash));
      }
    }
  }

  // Reads every tree reachable from `roots` (ids of the history root's tree).
  std::optional<std::string> Read(const std::vector<std::string>& roots) {
    std::vector<std::pair<std::string, std::string>> pending;  // id, path below the root
    for (const std::string& root : roots) {
      if (!root.empty()) pending.emplace_back(root, "");
    }
    while (!pending.empty()) {
      std::vector<TreeFile> request;
      std::set<std::string> asked;
      for (const auto& [id, path] : pending) {
        if (trees_.count(id) == 0 && asked.insert(id).second) request.push_back({"", id, 0});
      }
      if (trees_.size() + request.size() > kMaxTrees) {
        return "more than " + std::to_string(kMaxTrees) + " directories to read";
      }
      auto error = git_.ReadBlobs(request, [&](std::size_t i, std::string_view data) {
        trees_[request[i].blob] = ParseTree(data, request[i].blob.size() / 2);
      });
      if (error) return error->message;
      std::vector<std::pair<std::string, std::string>> next;
      for (const auto& [id, path] : pending) {
        const auto tree = trees_.find(id);
        if (tree == trees_.end()) continue;
        for (const TreeEntry& entry : tree->second) {
          const std::string below = path.empty() ? entry.name : path + "/" + entry.name;
          if (entry.directory && directories_.count(below) > 0 &&
              visited_.insert(entry.id + "\n" + below).second) {
            next.emplace_back(entry.id, below);
          }
        }
      }
      pending = std::move(next);
    }
    return std::nullopt;
  }

  // The wanted files below the tree `id` (at `path` below the root).
  void Files(const std::string& id, const std::string& path, std::vector<std::string>& out) const {
    const auto tree = trees_.find(id);
    if (tree == trees_.end()) return;
    for (const TreeEntry& entry : tree->second) {
      const std::string below = path.empty() ? entry.name : path + "/" + entry.name;
      if (entry.file && wanted_.count(below) > 0) out.push_back(below);
      if (entry.directory && directories_.count(below) > 0) Files(entry.id, below, out);
    }
  }

 private:
  const Git& git_;
  std::set<std::string> wanted_;       // paths below the root
  std::set<std::string> directories_;  // the directories that hold them
  std::map<std::string, std::vector<TreeEntry>> trees_;
  std::set<std::string> visited_;
};

// Files already in `tags[first]`, the first tag whose tree holds the history directory: each
// was added in that tag, or moved there from another path (a directory renamed). A moved file
// ships in the first tag that held its former path, itself followed back through earlier moves.
// Gives each file it can tell its tag in `upgrades` and removes it from `unknown` (canonical
// path -> path below the repository's top); a file already in the very first tag stays unknown.
void FollowMoves(const Git& git, const std::vector<std::string>& tags, std::size_t first,
                 std::map<std::string, std::string> unknown, MigrationUpgrades& upgrades,
                 std::set<std::string>& still_unknown) {
  // Bounds the git processes: each step asks for one rename diff and one batch of lookups.
  constexpr int kMaxSteps = 16;
  std::map<std::size_t, std::map<std::string, std::string>> work;  // tag index -> files first in it
  work[first] = std::move(unknown);
  for (int step = 0; step < kMaxSteps && !work.empty(); ++step) {
    auto latest = std::prev(work.end());
    const std::size_t at = latest->first;
    std::map<std::string, std::string> files = std::move(latest->second);
    work.erase(latest);
    if (at == 0) break;  // before the first tag nothing tells when a file came
    auto renames = git.Renames("refs/tags/" + tags[at - 1], "refs/tags/" + tags[at]);
    if (std::holds_alternative<GitError>(renames)) break;
    std::map<std::string, std::string> former_of;  // new path -> former path
    for (auto& [former, now] : std::get<0>(renames)) former_of.emplace(now, former);
    std::vector<std::pair<std::string, std::string>> moved;  // canonical path, former path
    for (const auto& [path, below_top] : files) {
      const auto found = former_of.find(below_top);
      if (found == former_of.end()) {
        upgrades.tag_of.emplace(path, tags[at]);  // added in this tag
      } else {
        moved.emplace_back(path, found->second);
      }
    }
    std::vector<std::string> names;
    for (const auto& [path, former] : moved) {
      for (std::size_t t = 0; t < at; ++t) names.push_back("refs/tags/" + tags[t] + ":" + former);
    }
    auto ids = git.ObjectIds(names);
    if (std::holds_alternative<GitError>(ids)) break;
    const std::vector<std::string>& found = std::get<std::vector<std::string>>(ids);
    for (std::size_t m = 0; m < moved.size(); ++m) {
      std::size_t earliest = at;
      for (std::size_t t = 0; t < at && earliest == at; ++t) {
        if (!found[m * at + t].empty()) earliest = t;
      }
      // Moved and added between the two tags: it came with this one.
      if (earliest == at) {
        upgrades.tag_of.emplace(moved[m].first, tags[at]);
      } else {
        work[earliest].emplace(moved[m].first, moved[m].second);
      }
    }
  }
  for (const auto& [path, tag] : upgrades.tag_of) still_unknown.erase(path);
}

}  // namespace

std::string DescribeUpgrade(const std::string& tag) {
  return tag.empty() ? "not in any tag yet: the coming upgrade" : "first in tag " + tag;
}

bool VersionLess(std::string_view a, std::string_view b) {
  const Version va = ParseVersion(a), vb = ParseVersion(b);
  const std::size_t n = std::max(va.numbers.size(), vb.numbers.size());
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned long long x = i < va.numbers.size() ? va.numbers[i] : 0;
    const unsigned long long y = i < vb.numbers.size() ? vb.numbers[i] : 0;
    if (x != y) return x < y;
  }
  // A pre-release comes before its final version.
  if (va.suffix.empty() != vb.suffix.empty()) return !va.suffix.empty();
  if (const int c = NaturalCompare(va.suffix, vb.suffix); c != 0) return c < 0;
  return a < b;
}

std::shared_ptr<const MigrationUpgrades> InferUpgrades(const std::string& root,
                                                       const std::vector<std::string>& files,
                                                       const std::string& tag_pattern,
                                                       GitLocator& locator, std::string& note) {
  const std::string off = root +
                          ": upgrades not inferred (each migration judged as deployed "
                          "before the next): ";
  std::regex pattern;
  try {
    pattern = std::regex(tag_pattern);
  } catch (const std::regex_error&) {
    note = off + "`" + tag_pattern + "` is no regular expression";
    return nullptr;
  }
  auto opened = Git::Open(root, locator);
  if (auto* error = std::get_if<GitError>(&opened)) {
    note = off + error->message;
    return nullptr;
  }
  const Git& git = std::get<Git>(opened);
  auto shallow = git.IsShallow();
  if (auto* error = std::get_if<GitError>(&shallow)) {
    note = off + error->message;
    return nullptr;
  }
  if (std::get<bool>(shallow)) {
    note = off + "a shallow clone, whose tags and history may be incomplete";
    return nullptr;
  }
  auto listed = git.Tags();
  if (auto* error = std::get_if<GitError>(&listed)) {
    note = off + error->message;
    return nullptr;
  }
  std::vector<std::string> tags;
  for (std::string& tag : std::get<std::vector<std::string>>(listed)) {
    if (std::regex_match(tag, pattern)) tags.push_back(std::move(tag));
  }
  if (tags.empty()) {
    note = off + "no tag matches `" + tag_pattern + "` (history.upgrade_tags)";
    return nullptr;
  }
  std::sort(tags.begin(), tags.end(),
            [](const std::string& a, const std::string& b) { return VersionLess(a, b); });

  const std::string top = CanonicalPath(git.top());
  if (root != top && !root.starts_with(top + "/")) {
    note = off + root + " is not below " + top;
    return nullptr;
  }
  const std::string relative_root = root == top ? "" : root.substr(top.size() + 1);
  std::set<std::string> wanted;
  for (const std::string& file : files) {
    if (file.starts_with(root + "/")) wanted.insert(file.substr(root.size() + 1));
  }
  std::vector<std::string> names;
  for (const std::string& tag : tags) names.push_back("refs/tags/" + tag + ":" + relative_root);
  names.push_back("HEAD:" + relative_root);
  auto ids = git.ObjectIds(names);
  if (auto* error = std::get_if<GitError>(&ids)) {
    note = off + error->message;
    return nullptr;
  }
  const std::vector<std::string>& roots = std::get<std::vector<std::string>>(ids);
  // Tags of another part of the repository (a monorepo's app releases) say nothing of this
  // directory's upgrades: without one that holds it, every file would look unreleased.
  if (std::all_of(roots.begin(), roots.end() - 1,
                  [](const std::string& id) { return id.empty(); })) {
    note = off + "no tag matching `" + tag_pattern + "` holds " +
           (relative_root.empty() ? "the repository's top" : relative_root);
    return nullptr;
  }
  TreeReader reader(git, wanted);
  if (auto error = reader.Read(roots)) {
    note = off + *error;
    return nullptr;
  }

  auto upgrades = std::make_shared<MigrationUpgrades>();
  std::set<std::string> seen_roots;
  // The files of the first tag that holds the directory at all may have been there long before
  // under another path (a directory moved): their upgrade is not known.
  std::set<std::string> first_seen;
  std::size_t first_tag = tags.size();
  for (std::size_t t = 0; t <= tags.size(); ++t) {
    if (roots[t].empty() || !seen_roots.insert(roots[t]).second) continue;
    std::vector<std::string> held;
    reader.Files(roots[t], "", held);
    const bool first_tree = seen_roots.size() == 1 && t < tags.size();
    if (first_tree) first_tag = t;
    for (const std::string& file : held) {
      const std::string path = root + "/" + file;
      if (first_tree) {
        first_seen.insert(path);
        continue;
      }
      if (first_seen.count(path) > 0) continue;
      // The last name is HEAD: what it holds and no tag does belongs to the coming upgrade.
      upgrades->tag_of.emplace(path, t < tags.size() ? tags[t] : "");
    }
  }
  std::size_t followed = 0;
  if (!first_seen.empty() && first_tag < tags.size()) {
    std::map<std::string, std::string> unknown;
    for (const std::string& path : first_seen) {
      const std::string below_root = path.substr(root.size() + 1);
      unknown.emplace(path, relative_root.empty() ? below_root : relative_root + "/" + below_root);
    }
    const std::size_t before = upgrades->tag_of.size();
    FollowMoves(git, tags, first_tag, std::move(unknown), *upgrades, first_seen);
    followed = upgrades->tag_of.size() - before;
  }
  std::size_t coming = 0;
  for (const auto& [path, tag] : upgrades->tag_of) coming += tag.empty() ? 1 : 0;
  std::set<std::string> tags_used;
  for (const auto& [path, tag] : upgrades->tag_of) {
    if (!tag.empty()) tags_used.insert(tag);
  }
  note = root + ": upgrades from git tags: " + std::to_string(tags.size()) + " tag(s) match `" +
         tag_pattern + "` (" + tags.front() + " to " + tags.back() + "); " +
         std::to_string(upgrades->tag_of.size() - coming) + " migration file(s) first in one of " +
         std::to_string(tags_used.size()) + " tag(s), " + std::to_string(coming) +
         " in the coming upgrade (no tag holds them), " +
         std::to_string(followed + first_seen.size()) +
         " already in the first tag that holds the directory (" + std::to_string(followed) +
         " traced to the tag that added them, following renames; " +
         std::to_string(first_seen.size()) + " not grouped), " +
         std::to_string(wanted.size() - upgrades->tag_of.size() - first_seen.size()) +
         " not committed (not grouped)";
  return upgrades;
}

}  // namespace pgshift::workspace
