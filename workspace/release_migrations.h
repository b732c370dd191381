// The migrations of a release as its head commit holds them: `--release BASE..HEAD` judges the
// migrations HEAD ships, not what the working tree holds now (a past release, linted from a
// checkout where its files have changed since, is judged as it was).
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "workspace/git.h"
#include "workspace/lint_inputs.h"

namespace pgshift::workspace {

// Canonical path -> text at the commit, for the .sql files below the given roots.
using CommitTexts = std::map<std::string, std::string>;

// The .sql files of `commit` below `roots` (canonical directories, or files whose directory
// counts), larger than `max_bytes` left out (they are read from the working tree and refused
// there with the usual message).
GitResult<std::shared_ptr<const CommitTexts>> SqlAtCommit(const Git& git, const std::string& commit,
                                                          const std::vector<std::string>& roots,
                                                          std::size_t max_bytes);

// With `--release BASE..HEAD`: the .sql files HEAD holds below the paths given that the working
// tree lacks (a checkout of the base, or of an older commit) join the inputs, to be read from the
// commit; a path that only HEAD fills is no error, nor "holds no .sql file". Git trouble adds
// nothing here: the release scope reports it.
void AddMigrationsOnlyAtHead(const std::string& release, const std::vector<std::string>& paths,
                             InputsResult& result);

// The nearest folder of `path` that exists, itself included: where to ask git from.
std::filesystem::path ExistingFolder(const std::filesystem::path& path);

// The text of `canonical` at the commit, when `texts` holds it.
bool ReadAtCommit(const CommitTexts* texts, const std::string& canonical, std::string& text);

}  // namespace pgshift::workspace
