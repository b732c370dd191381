// `pgshift lsp` in a real editor: Neovim, headless and without plugins, opens a migration with its
// built-in LSP client (tests/cli/lsp/neovim_client.lua) and writes back the diagnostics it got.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/process.h"

namespace pgshift::testing {
namespace {

namespace fs = std::filesystem;

TEST(LspEditor, NeovimShowsTheFindingsOfAMigration) {
  const fs::path dir =
      fs::temp_directory_path() / ("pgshift-lsp-nvim-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "db");
  std::ofstream(dir / "db/001_users.sql") << "CREATE TABLE users (id int, email text);\n";
  std::ofstream(dir / "db/002_index.sql")
      << "SET lock_timeout = '2s';\nCREATE INDEX users_email ON users (email);\n";
  const fs::path diagnostics = dir / "diagnostics.txt";
  // The binary RunPgshift would run: another one (the packaged) when PGSHIFT_TEST_BINARY names it.
  const char* other = std::getenv("PGSHIFT_TEST_BINARY");
  const std::string binary = other != nullptr && *other != '\0' ? other : PGSHIFT_BINARY;

  const ProcessResult run =
      RunProcess({"timeout", "120", "nvim", "--headless", "--clean", "-u", "NONE", "-c",
                  "luafile " PGSHIFT_SOURCE_DIR "/tests/cli/lsp/neovim_client.lua"},
                 {.env = {{"PGSHIFT_BINARY", binary},
                          {"PGSHIFT_MIGRATION", (dir / "db/002_index.sql").string()},
                          {"PGSHIFT_DIAGNOSTICS", diagnostics.string()},
                          // Neovim's log and state go to the test's folder, not the user's.
                          {"XDG_CACHE_HOME", (dir / "cache").string()},
                          {"XDG_STATE_HOME", (dir / "state").string()},
                          {"XDG_DATA_HOME", (dir / "data").string()}},
                  .cwd = dir.string()});
  ASSERT_TRUE(run.started) << run.error << " (Neovim is installed by ci/install-deps)";
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  std::ifstream in(diagnostics);
  ASSERT_TRUE(in) << "Neovim wrote no diagnostics file: " << run.out << run.err;
  std::stringstream got;
  got << in.rdbuf();
  // users exists (001 made it), so the index blocks writes on an existing table: an error
  // (severity 1) on line 2 (line 1 from 0), column 0. The lock_timeout is set: no warning.
  EXPECT_EQ(got.str(), "1:0:1:non-concurrent-index-creation\n");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace pgshift::testing
