// `pgshift lsp`: the language server, over standard input and output (cli/lsp/server.h).
#include <iostream>

#include "cli/commands.h"
#include "cli/lsp/server.h"

namespace pgshift::cli {

void AddLspCommand(CLI::App& app, int& exit_code) {
  CLI::App* lsp = app.add_subcommand(
      "lsp", "Language server over stdio: lint findings as diagnostics while editing migrations");
  lsp->footer(
      "Speaks the Language Server Protocol on standard input and output: diagnostics on open,\n"
      "change and save (the findings `pgshift lint` gives, with the file's pgshift.toml,\n"
      "history and baseline), code actions for exact fixes and for a suppression with a reason,\n"
      "and `pgshift explain` on hover. Editor set-up: docs/editors.md.\n"
      "Exit codes: 0 after shutdown and exit, 1 when the client left without shutdown.");
  lsp->callback([&exit_code] {
    std::ios::sync_with_stdio(false);
    lsp::Server server(std::cin, std::cout);
    exit_code = server.Run();
  });
}

}  // namespace pgshift::cli
