// `pgshift lsp`: a language server for migration SQL. It lints each open buffer as `pgshift lint`
// would lint the file (configuration, history, release scope, baseline: workspace/lint_run.h),
// publishes the findings as diagnostics, offers their exact fixes and a reasoned suppression as
// code actions, and shows `pgshift explain` on hover.
#pragma once

#include <istream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "workspace/linted_file.h"

namespace pgshift::cli::lsp {

class Server {
 public:
  Server(std::istream& in, std::ostream& out) : in_(in), out_(out) {}
  // Serves until `exit` or the end of the input; the process's exit code (0 after `shutdown`).
  int Run();

 private:
  struct Document {
    std::string path;  // the file the buffer stands for
    std::string text;
    int version = 0;
    std::optional<workspace::LintedFile> linted;
    std::vector<std::string> errors;  // a configuration that cannot be used, and the like
  };

  void Handle(const nlohmann::json& message);
  void Reply(const nlohmann::json& id, nlohmann::json result);
  void ReplyError(const nlohmann::json& id, int code, const std::string& message);
  void Notify(const std::string& method, nlohmann::json params);

  void Open(const std::string& uri, std::string text, int version);
  void Lint(const std::string& uri, Document& document);
  void Publish(const std::string& uri, const Document& document);
  nlohmann::json CodeActions(const nlohmann::json& params) const;
  nlohmann::json Hover(const nlohmann::json& params) const;

  std::istream& in_;
  std::ostream& out_;
  std::map<std::string, Document> documents_;  // by URI
  bool shutdown_ = false;
  bool exit_ = false;
};

}  // namespace pgshift::cli::lsp
