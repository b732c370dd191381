#include "cli/lsp/server.h"

#include <algorithm>
#include <exception>
#include <sstream>

#include "cli/explain.h"
#include "cli/lsp/framing.h"
#include "cli/lsp/positions.h"
#include "cli/render/renderer.h"
#include "parser/splitter.h"
#include "rules/rule.h"
#include "workspace/lint_run.h"

namespace pgshift::cli::lsp {
namespace {

using nlohmann::json;

// JSON-RPC 2.0 error codes.
constexpr int kParseError = -32700;
constexpr int kInvalidRequest = -32600;
constexpr int kMethodNotFound = -32601;
constexpr int kInvalidParams = -32602;
constexpr int kInternalError = -32603;

struct BadParams {
  std::string message;
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// file:///a/b%20c.sql -> /a/b c.sql. Other schemes (untitled:, ...) have no folder: the buffer is
// judged on its own, under the name its URI ends in.
std::string PathOfUri(const std::string& uri) {
  std::string_view rest = uri;
  const bool file = rest.starts_with("file://");
  if (file) {
    rest.remove_prefix(7);
    if (!rest.starts_with("/")) rest.remove_prefix(std::min(rest.find('/'), rest.size()));  // host
  } else {
    const std::size_t slash = rest.find_last_of("/:");
    if (slash != std::string_view::npos) rest.remove_prefix(slash + 1);
  }
  std::string path;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && HexValue(rest[i + 1]) >= 0 &&
        HexValue(rest[i + 2]) >= 0) {
      path += static_cast<char>(HexValue(rest[i + 1]) * 16 + HexValue(rest[i + 2]));
      i += 2;
    } else {
      path += rest[i];
    }
  }
  return path.empty() ? std::string("untitled.sql") : path;
}

const json& Field(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) {
    throw BadParams{std::string("missing `") + key + "`"};
  }
  return object.at(key);
}

std::string StringField(const json& object, const char* key) {
  const json& value = Field(object, key);
  if (!value.is_string()) throw BadParams{std::string("`") + key + "` must be a string"};
  return value.get<std::string>();
}

std::size_t NumberField(const json& object, const char* key) {
  const json& value = Field(object, key);
  if (!value.is_number_integer() || value.get<long long>() < 0) {
    throw BadParams{std::string("`") + key + "` must be a non-negative integer"};
  }
  return value.get<std::size_t>();
}

Position PositionField(const json& object, const char* key) {
  const json& position = Field(object, key);
  return {NumberField(position, "line"), NumberField(position, "character")};
}

json ToJson(Position position) {
  return {{"line", position.line}, {"character", position.character}};
}

json RangeOf(const LineIndex& index, std::size_t begin, std::size_t end) {
  return {{"start", ToJson(index.PositionOf(begin))},
          {"end", ToJson(index.PositionOf(std::max(begin, end)))}};
}

int SeverityOf(rules::Severity severity) {
  switch (severity) {
    case rules::Severity::kError:
      return 1;
    case rules::Severity::kWarning:
      return 2;
    case rules::Severity::kInfo:
      return 3;
  }
  return 3;
}

std::string MessageOf(const rules::Finding& finding) {
  std::string message = finding.message;
  if (!finding.help.empty()) message += "\n" + finding.help;
  if (!finding.lock.empty()) message += "\n" + finding.lock;
  return message;
}

// The start of the statement holding `offset` (the finding's, where a suppression goes), and the
// start of its line.
std::size_t StatementStart(std::string_view text, std::size_t offset) {
  const parser::SplitResult split = parser::SplitStatements(text);
  for (const parser::RawStatement& statement : split.statements) {
    if (statement.span.begin <= offset &&
        offset <= std::max(statement.terminator_end, statement.span.end)) {
      return statement.span.begin;
    }
  }
  return offset;
}

}  // namespace

int Server::Run() {
  while (!exit_) {
    std::optional<Frame> frame = ReadFrame(in_);
    if (!frame) break;  // the client went away
    if (!frame->error.empty()) {
      ReplyError(nullptr, kParseError, frame->error);
      continue;
    }
    json message = json::parse(frame->body, nullptr, /*allow_exceptions=*/false);
    if (message.is_discarded()) {
      ReplyError(nullptr, kParseError, "the message is not JSON");
      continue;
    }
    Handle(message);
  }
  return shutdown_ ? 0 : 1;
}

void Server::Handle(const json& message) {
  if (!message.is_object() || !message.contains("method") || !message["method"].is_string()) {
    // A response to a request of ours (we send none) or no message at all.
    if (message.is_object() && (message.contains("result") || message.contains("error"))) return;
    ReplyError(message.is_object() && message.contains("id") ? message["id"] : json(nullptr),
               kInvalidRequest, "a request needs a `method` string");
    return;
  }
  const std::string method = message["method"].get<std::string>();
  const bool request = message.contains("id");
  const json id = request ? message["id"] : json(nullptr);
  if (request && !id.is_string() && !id.is_number_integer()) {
    ReplyError(nullptr, kInvalidRequest, "`id` must be a string or an integer");
    return;
  }
  const json params = message.value("params", json::object());
  try {
    if (method == "initialize") {
      Reply(id, {{"capabilities",
                  {{"positionEncoding", "utf-16"},
                   {"textDocumentSync",
                    {{"openClose", true}, {"change", 1}, {"save", {{"includeText", true}}}}},
                   {"codeActionProvider", {{"codeActionKinds", {"quickfix"}}}},
                   {"hoverProvider", true}}},
                 {"serverInfo", {{"name", "pgshift"}, {"version", PGSHIFT_VERSION}}}});
    } else if (method == "shutdown") {
      shutdown_ = true;
      Reply(id, nullptr);
    } else if (method == "exit") {
      exit_ = true;
    } else if (shutdown_ && request) {
      ReplyError(id, kInvalidRequest, "the server is shutting down");
    } else if (method == "textDocument/didOpen") {
      const json& document = Field(params, "textDocument");
      Open(StringField(document, "uri"), StringField(document, "text"),
           document.value("version", 0));
    } else if (method == "textDocument/didChange") {
      const std::string uri = StringField(Field(params, "textDocument"), "uri");
      const json& changes = Field(params, "contentChanges");
      if (!changes.is_array() || changes.empty()) throw BadParams{"`contentChanges` is empty"};
      // Full synchronisation: the last change holds the whole text.
      Open(uri, StringField(changes.back(), "text"),
           Field(params, "textDocument").value("version", 0));
    } else if (method == "textDocument/didSave") {
      const std::string uri = StringField(Field(params, "textDocument"), "uri");
      const auto found = documents_.find(uri);
      if (params.contains("text") && params["text"].is_string()) {
        Open(uri, params["text"].get<std::string>(),
             found != documents_.end() ? found->second.version : 0);
      } else if (found != documents_.end()) {
        // Saving can change what other files see (the history): lint again.
        Lint(uri, found->second);
      }
    } else if (method == "textDocument/didClose") {
      const std::string uri = StringField(Field(params, "textDocument"), "uri");
      documents_.erase(uri);
      Notify("textDocument/publishDiagnostics", {{"uri", uri}, {"diagnostics", json::array()}});
    } else if (method == "textDocument/codeAction") {
      Reply(id, CodeActions(params));
    } else if (method == "textDocument/hover") {
      Reply(id, Hover(params));
    } else if (request) {
      ReplyError(id, kMethodNotFound, "pgshift lsp does not handle " + method);
    }
    // Other notifications (initialized, $/cancelRequest, ...) need nothing.
  } catch (const BadParams& bad) {
    if (request) {
      ReplyError(id, kInvalidParams, method + ": " + bad.message);
    } else {
      Notify("window/logMessage",
             {{"type", 1}, {"message", "pgshift lsp: " + method + ": " + bad.message}});
    }
  } catch (const std::exception& error) {
    // The server stays up: one buffer that cannot be linted is no reason to lose the others.
    if (request) {
      ReplyError(id, kInternalError, method + ": " + error.what());
    } else {
      Notify("window/logMessage",
             {{"type", 1}, {"message", "pgshift lsp: " + method + ": " + error.what()}});
    }
  }
}

void Server::Reply(const json& id, json result) {
  WriteFrame(out_, json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}}.dump(
                       -1, ' ', false, json::error_handler_t::replace));
}

void Server::ReplyError(const json& id, int code, const std::string& message) {
  WriteFrame(
      out_,
      json{{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}}.dump(
          -1, ' ', false, json::error_handler_t::replace));
}

void Server::Notify(const std::string& method, json params) {
  WriteFrame(out_, json{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}}.dump(
                       -1, ' ', false, json::error_handler_t::replace));
}

void Server::Open(const std::string& uri, std::string text, int version) {
  Document& document = documents_[uri];
  document.path = PathOfUri(uri);
  document.text = std::move(text);
  document.version = version;
  Lint(uri, document);
}

void Server::Lint(const std::string& uri, Document& document) {
  workspace::DocumentLint result = workspace::LintDocument(document.path, document.text);
  document.linted = std::move(result.file);
  document.errors.clear();
  if (result.error) document.errors = result.error->messages;
  if (document.linted && document.linted->report.unreadable) {
    document.errors.push_back(*document.linted->report.unreadable);
  }
  for (const std::string& warning : result.warnings) document.errors.push_back(warning);
  Publish(uri, document);
}

void Server::Publish(const std::string& uri, const Document& document) {
  const LineIndex index(document.text);
  json diagnostics = json::array();
  for (const std::string& error : document.errors) {
    diagnostics.push_back({{"range", RangeOf(index, 0, 0)},
                           {"severity", 1},
                           {"source", "pgshift"},
                           {"message", error}});
  }
  if (document.linted) {
    for (const rules::Finding& finding : document.linted->report.findings) {
      diagnostics.push_back({{"range", RangeOf(index, finding.span.begin, finding.span.end)},
                             {"severity", SeverityOf(finding.severity)},
                             {"code", finding.rule},
                             {"codeDescription", {{"href", RuleDocUrl(finding.rule)}}},
                             {"source", "pgshift"},
                             {"message", MessageOf(finding)}});
    }
  }
  Notify("textDocument/publishDiagnostics",
         {{"uri", uri}, {"version", document.version}, {"diagnostics", std::move(diagnostics)}});
}

json Server::CodeActions(const json& params) const {
  const std::string uri = StringField(Field(params, "textDocument"), "uri");
  const json& range = Field(params, "range");
  json actions = json::array();
  const auto found = documents_.find(uri);
  if (found == documents_.end() || !found->second.linted) return actions;
  const Document& document = found->second;
  const LineIndex index(document.text);
  const std::size_t begin = index.OffsetOf(PositionField(range, "start"));
  const std::size_t end = index.OffsetOf(PositionField(range, "end"));
  for (const rules::Finding& finding : document.linted->report.findings) {
    // The findings the range touches (a cursor: an empty range inside or at the edge of one).
    if (finding.span.end < begin || finding.span.begin > end) continue;
    const json diagnostic = {{"range", RangeOf(index, finding.span.begin, finding.span.end)},
                             {"severity", SeverityOf(finding.severity)},
                             {"code", finding.rule},
                             {"source", "pgshift"},
                             {"message", MessageOf(finding)}};
    if (!finding.fix.empty()) {
      json edits = json::array();
      for (const rules::Edit& edit : finding.fix) {
        edits.push_back({{"range", RangeOf(index, edit.span.begin, edit.span.end)},
                         {"newText", edit.replacement}});
      }
      actions.push_back({{"title", "Fix " + finding.rule + " (as pgshift lint --fix)"},
                         {"kind", "quickfix"},
                         {"isPreferred", true},
                         {"diagnostics", json::array({diagnostic})},
                         {"edit", {{"changes", {{uri, std::move(edits)}}}}}});
    }
    // A suppression covers the statement after it, and asks why (suppression-missing-reason).
    const std::size_t statement = StatementStart(document.text, finding.span.begin);
    const Position at = index.PositionOf(statement);
    const std::size_t line_start = statement - std::min<std::size_t>(statement, at.character);
    std::string indent;
    for (std::size_t i = line_start; i < statement && i < document.text.size() &&
                                     (document.text[i] == ' ' || document.text[i] == '\t');
         ++i) {
      indent += document.text[i];
    }
    const Position insert_at{at.line, 0};
    actions.push_back(
        {{"title", "Suppress " + finding.rule + " here, with a reason"},
         {"kind", "quickfix"},
         {"diagnostics", json::array({diagnostic})},
         {"edit",
          {{"changes",
            {{uri,
              json::array({{{"range", {{"start", ToJson(insert_at)}, {"end", ToJson(insert_at)}}},
                            {"newText", indent + "-- pgshift-ignore " + finding.rule +
                                            ": REASON (why this is safe here)\n"}}})}}}}}});
  }
  return actions;
}

json Server::Hover(const json& params) const {
  const std::string uri = StringField(Field(params, "textDocument"), "uri");
  const Position position = PositionField(params, "position");
  const auto found = documents_.find(uri);
  if (found == documents_.end() || !found->second.linted) return nullptr;
  const Document& document = found->second;
  const LineIndex index(document.text);
  const std::size_t offset = index.OffsetOf(position);
  std::string text;
  std::optional<parser::Span> span;
  for (const rules::Finding& finding : document.linted->report.findings) {
    if (offset < finding.span.begin || offset > finding.span.end) continue;
    const rules::RuleDefinition* rule = rules::FindRule(finding.rule);
    if (!text.empty()) text += "\n---\n\n";
    text += "**" + finding.rule + "**: " + MessageOf(finding) + "\n\n";
    if (rule != nullptr) {
      std::ostringstream explained;
      Explain(*rule->doc, explained);
      text += "```\n" + explained.str() + "```\n";
    }
    text += "\n" + RuleDocUrl(finding.rule) + "\n";
    span = finding.span;
  }
  if (text.empty()) return nullptr;
  return {{"contents", {{"kind", "markdown"}, {"value", text}}},
          {"range", RangeOf(index, span->begin, span->end)}};
}

}  // namespace pgshift::cli::lsp
