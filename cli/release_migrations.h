// The migrations of a release as its head commit holds them: `--release BASE..HEAD` judges the
// migrations HEAD ships, not what the working tree holds now (a past release, linted from a
// checkout where its files have changed since, is judged as it was).
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli/git.h"

namespace pgshift::cli {

// Canonical path -> text at the commit, for the .sql files below the given roots.
using CommitTexts = std::map<std::string, std::string>;

// The .sql files of `commit` below `roots` (canonical directories, or files whose directory
// counts), larger than `max_bytes` left out (they are read from the working tree and refused
// there with the usual message).
GitResult<std::shared_ptr<const CommitTexts>> SqlAtCommit(const Git& git, const std::string& commit,
                                                          const std::vector<std::string>& roots,
                                                          std::size_t max_bytes);

// The text of `canonical` at the commit, when `texts` holds it.
bool ReadAtCommit(const CommitTexts* texts, const std::string& canonical, std::string& text);

}  // namespace pgshift::cli
