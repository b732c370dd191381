// Which upgrade each migration ships in, read from the repository's release tags: the first tag
// (in version order) whose tree holds the file, or the coming upgrade when no tag holds it yet.
// An operator upgrading runs every migration of one upgrade in one go, so a table that an earlier
// migration of the same upgrade creates is new and empty when the later ones run.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "workspace/git.h"

namespace pgshift::workspace {

// The default of `history.upgrade_tags`: final versions (v1.2.3, 1.2); pre-releases
// (1.2.0-rc.1) ship with the final release they precede.
inline constexpr std::string_view kDefaultUpgradeTags = R"(v?[0-9]+(\.[0-9]+)+)";

struct MigrationUpgrades {
  // Canonical path -> the first tag that holds the file, or "" for the coming upgrade. A file
  // git does not track (not committed yet) is absent: its upgrade is not known.
  std::map<std::string, std::string> tag_of;

  // Null when the upgrade of `path` is not known.
  const std::string* Find(const std::string& path) const {
    const auto found = tag_of.find(path);
    return found == tag_of.end() ? nullptr : &found->second;
  }
};

// "first in tag v1.2", or "not in any tag yet: the coming upgrade".
std::string DescribeUpgrade(const std::string& tag);

// Orders version tags: v1.2.9 before v1.10.0, 1.2.0-rc.1 before 1.2.0.
bool VersionLess(std::string_view a, std::string_view b);

// The upgrades of `files` (canonical paths below the history directory `root`), from the tags
// that match `tag_pattern` (a regular expression the whole tag name must match). Null when git
// cannot tell them (no git, no repository, a shallow clone, no matching tag): findings are then
// judged as without upgrades. `note` says what was used, or why nothing was. The repository is
// found through `locator` (shared by the histories of one run).
std::shared_ptr<const MigrationUpgrades> InferUpgrades(const std::string& root,
                                                       const std::vector<std::string>& files,
                                                       const std::string& tag_pattern,
                                                       GitLocator& locator, std::string& note);

}  // namespace pgshift::workspace
