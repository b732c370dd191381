#include "runner/state_dir.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace pgshift::runner {

std::filesystem::path StateDirectory() {
  const char* xdg = std::getenv("XDG_STATE_HOME");
  if (xdg != nullptr && xdg[0] == '/') return std::filesystem::path(xdg) / "pgshift";
  const char* home = std::getenv("HOME");
  if (home == nullptr || home[0] == '\0') {
    const passwd* entry = getpwuid(getuid());
    home = entry != nullptr ? entry->pw_dir : "/tmp";
  }
  return std::filesystem::path(home) / ".local" / "state" / "pgshift";
}

}  // namespace pgshift::runner
