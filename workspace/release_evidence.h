// The evidence of a release's application code: the uses of tables and columns in the files of
// a commit (read from git, not the working tree), or of the working tree when there is no git.
// The base and the head of a release share one CodeLibrary, so a file unchanged between them is
// read once.
#pragma once

#include <memory>
#include <string>

#include "workspace/git.h"
#include "workspace/release_paths.h"
#include "rules/evidence/code_uses.h"

namespace pgshift::workspace {

// The application code of `commit` (paths relative to the configuration's base).
GitResult<std::shared_ptr<const rules::evidence::CodeUses>> CommitCodeUses(
    const Git& git, const std::string& commit, const ReleasePaths& paths,
    rules::evidence::CodeLibrary& library);

// The application code in the working tree below the base.
std::shared_ptr<const rules::evidence::CodeUses> WorkTreeCodeUses(const ReleasePaths& paths);

}  // namespace pgshift::workspace
