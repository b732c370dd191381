// Where pgshift keeps local state (the journal, running sandboxes): $XDG_STATE_HOME/pgshift, or
// ~/.local/state/pgshift, as the XDG base directory specification says.
#pragma once

#include <filesystem>

namespace pgshift::runner {

std::filesystem::path StateDirectory();

}  // namespace pgshift::runner
