// Running sandboxes are remembered in the state directory (sandboxes/<name>.json), so that
// `pgshift sandbox stop`, `sandbox url` and `--sandbox` find the server a `sandbox start` left.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "runner/sandbox.h"

namespace pgshift::runner {

// Letters, digits, - and _, at most 64 bytes: a name that can never be mistaken for a path.
bool ValidSandboxName(const std::string& name);
std::optional<SandboxError> SaveSandboxState(const std::string& name, const SandboxInfo& info);
// The remembered sandbox, or an error saying none is running under that name.
std::variant<SandboxInfo, SandboxError> LoadSandboxState(const std::string& name);
void ForgetSandboxState(const std::string& name);

}  // namespace pgshift::runner
