// `pgshift lint --fix`: applies the exact rewrites that findings carry (adding CONCURRENTLY,
// adding NOT VALID with a later VALIDATE) to a file's text, and writes the file back safely.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/finding.h"

namespace pgshift::workspace {

struct FixOutcome {
  std::string text;         // the file with the fixes applied
  std::size_t applied = 0;  // findings whose fix was applied
  std::size_t skipped = 0;  // fixes left out because they overlap one already taken
};

// Applies each finding's fix whole or not at all, in the order of the findings; a fix with an
// edit that overlaps an edit already taken is skipped (a later run can apply it).
FixOutcome ApplyFixes(std::string_view text, const std::vector<rules::Finding>& findings);

// Replaces the file through a temporary file in its directory and a rename, so that a failure
// never leaves half a file. Returns an error message, or nullopt on success.
std::optional<std::string> WriteFileAtomically(const std::filesystem::path& path,
                                               std::string_view text);

}  // namespace pgshift::workspace
