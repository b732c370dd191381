// `pgshift lsp`: a scripted client speaks JSON-RPC to the real binary over its standard input and
// output, and reads back what a language client would: diagnostics, code actions, hover, errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/lsp/framing.h"
#include "cli/lsp/positions.h"
#include "tests/support/process.h"

namespace pgshift::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Framed(const json& message) {
  const std::string body = message.dump();
  return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

json Request(int id, const std::string& method, json params = json::object()) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

json Notification(const std::string& method, json params = json::object()) {
  return {{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}

// Every message the server wrote, in order; fails the test on a frame it cannot read.
std::vector<json> Messages(const std::string& out) {
  std::istringstream in(out);
  std::vector<json> messages;
  while (auto frame = cli::lsp::ReadFrame(in)) {
    EXPECT_EQ(frame->error, "");
    messages.push_back(json::parse(frame->body));
  }
  return messages;
}

const json* Response(const std::vector<json>& messages, int id) {
  for (const json& message : messages) {
    if (message.contains("id") && message["id"] == id) return &message;
  }
  return nullptr;
}

std::vector<json> Published(const std::vector<json>& messages) {
  std::vector<json> published;
  for (const json& message : messages) {
    if (message.value("method", "") == "textDocument/publishDiagnostics") {
      published.push_back(message["params"]);
    }
  }
  return published;
}

std::vector<std::string> Codes(const json& params) {
  std::vector<std::string> codes;
  for (const json& diagnostic : params["diagnostics"]) {
    codes.push_back(diagnostic.value("code", "(none)"));
  }
  return codes;
}

bool Has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

class LanguageServer : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pgshift-lsp-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "db");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  std::string Uri(const std::string& name) { return "file://" + (dir_ / name).string(); }
  runner::ProcessResult Serve(const std::vector<json>& script) {
    std::string input;
    for (const json& message : script) input += Framed(message);
    return RunPgshift({"lsp"}, {.stdin_data = input});
  }
  json Open(const std::string& name, const std::string& text) {
    return Notification(
        "textDocument/didOpen",
        {{"textDocument",
          {{"uri", Uri(name)}, {"languageId", "sql"}, {"version", 1}, {"text", text}}}});
  }

  fs::path dir_;
};

TEST_F(LanguageServer, PublishesFindingsFixesAndExplanationsAndShutsDown) {
  Write("db/001_users.sql", "CREATE TABLE users (id int, email text);\n");
  const std::string index = "-- é😀\nCREATE INDEX users_email ON users (email);\n";
  Write("db/002_index.sql", "");  // on disk it is empty: the buffer is what counts
  const std::string uri = Uri("db/002_index.sql");
  const auto run = Serve({
      Request(1, "initialize", {{"processId", nullptr}, {"capabilities", json::object()}}),
      Notification("initialized"),
      Open("db/002_index.sql", index),
      Request(
          2, "textDocument/codeAction",
          {{"textDocument", {{"uri", uri}}},
           {"range",
            {{"start", {{"line", 1}, {"character", 2}}}, {"end", {{"line", 1}, {"character", 2}}}}},
           {"context", {{"diagnostics", json::array()}}}}),
      Request(3, "textDocument/hover",
              {{"textDocument", {{"uri", uri}}}, {"position", {{"line", 1}, {"character", 4}}}}),
      Notification(
          "textDocument/didChange",
          {{"textDocument", {{"uri", uri}, {"version", 2}}},
           {"contentChanges", json::array({{{"text",
                                             "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY "
                                             "users_email ON users (email);\n"}}})}}),
      // Saved as it was first: the hazard is back.
      Notification("textDocument/didSave", {{"textDocument", {{"uri", uri}}}, {"text", index}}),
      Request(4, "shutdown"),
      Notification("exit"),
  });
  ASSERT_TRUE(run.started) << run.error;
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const std::vector<json> messages = Messages(run.out);

  const json* initialized = Response(messages, 1);
  ASSERT_NE(initialized, nullptr);
  EXPECT_EQ((*initialized)["result"]["capabilities"]["hoverProvider"], true);

  const std::vector<json> published = Published(messages);
  ASSERT_EQ(published.size(), 3u) << run.out;
  // The table is an existing one because 001 created it: the history of the folder is used.
  const std::vector<std::string> opened = Codes(published[0]);
  EXPECT_TRUE(Has(opened, "non-concurrent-index-creation")) << published[0].dump();
  EXPECT_TRUE(Has(opened, "missing-lock-timeout")) << published[0].dump();
  for (const json& diagnostic : published[0]["diagnostics"]) {
    if (diagnostic["code"] != "non-concurrent-index-creation") continue;
    EXPECT_EQ(diagnostic["severity"], 1);
    EXPECT_NE(diagnostic["codeDescription"]["href"].get<std::string>().find(
                  "rules.md#non-concurrent-index-creation"),
              std::string::npos);
    EXPECT_NE(diagnostic["message"].get<std::string>().find("CONCURRENTLY"), std::string::npos);
    EXPECT_EQ(diagnostic["range"]["start"], json({{"line", 1}, {"character", 0}}));
  }
  // The change fixed both: the second publication is empty.
  EXPECT_EQ(published[1]["diagnostics"], json::array()) << published[1].dump();
  EXPECT_EQ(published[1]["version"], 2);
  EXPECT_TRUE(Has(Codes(published[2]), "non-concurrent-index-creation")) << published[2].dump();

  const json* actions = Response(messages, 2);
  ASSERT_NE(actions, nullptr);
  bool fix = false, suppress = false;
  for (const json& action : (*actions)["result"]) {
    const json edits = action["edit"]["changes"][uri];
    const std::string title = action["title"];
    if (title.find("Fix non-concurrent-index-creation") != std::string::npos) {
      fix = true;
      ASSERT_EQ(edits.size(), 1u);
      EXPECT_EQ(edits[0]["newText"], " CONCURRENTLY");
      EXPECT_EQ(edits[0]["range"]["start"], json({{"line", 1}, {"character", 12}}));
    }
    if (title.find("Suppress non-concurrent-index-creation") != std::string::npos) {
      suppress = true;
      EXPECT_EQ(edits[0]["range"]["start"], json({{"line", 1}, {"character", 0}}));
      EXPECT_TRUE(edits[0]["newText"].get<std::string>().starts_with(
          "-- pgshift-ignore non-concurrent-index-creation: "));
    }
  }
  EXPECT_TRUE(fix) << actions->dump();
  EXPECT_TRUE(suppress) << actions->dump();

  const json* hover = Response(messages, 3);
  ASSERT_NE(hover, nullptr);
  const std::string shown = (*hover)["result"]["contents"]["value"];
  EXPECT_NE(shown.find("non-concurrent-index-creation (error"), std::string::npos) << shown;
  EXPECT_NE(shown.find("Instead:"), std::string::npos) << shown;

  const json* shutdown = Response(messages, 4);
  ASSERT_NE(shutdown, nullptr);
  EXPECT_TRUE((*shutdown)["result"].is_null());
}

TEST_F(LanguageServer, FollowsTheFoldersConfiguration) {
  Write("db/pgshift.toml", "[rules]\ndisable = [\"missing-lock-timeout\"]\n");
  const auto run =
      Serve({Request(1, "initialize"),
             Open("db/001.sql", "CREATE TABLE t (id int);\nALTER TABLE t DROP COLUMN id;\n"),
             Request(2, "shutdown"), Notification("exit")});
  const std::vector<json> published = Published(Messages(run.out));
  ASSERT_EQ(published.size(), 1u) << run.out;
  EXPECT_FALSE(Has(Codes(published[0]), "missing-lock-timeout")) << published[0].dump();

  // A configuration that cannot be read is shown on the buffer, naming file, line and column.
  Write("db/pgshift.toml", "[rulez]\n");
  const auto broken = Serve({Request(1, "initialize"), Open("db/001.sql", "SELECT 1;\n"),
                             Request(2, "shutdown"), Notification("exit")});
  const std::vector<json> shown = Published(Messages(broken.out));
  ASSERT_EQ(shown.size(), 1u) << broken.out;
  ASSERT_EQ(shown[0]["diagnostics"].size(), 1u) << shown[0].dump();
  EXPECT_NE(shown[0]["diagnostics"][0]["message"].get<std::string>().find("pgshift.toml:1:"),
            std::string::npos)
      << shown[0].dump();
}

// The type of t.id is known only from the migration before: without it the message is vaguer.
TEST_F(LanguageServer, JudgesAnUnsavedBufferAgainstTheMigrationsBeforeIt) {
  Write("db/001_t.sql", "CREATE TABLE t (id int);\n");
  const std::string change =
      "SET lock_timeout = '1s';\nALTER TABLE t ALTER COLUMN id TYPE bigint;\n";
  const auto run = Serve({Request(1, "initialize"), Open("db/002_not_saved_yet.sql", change),
                          Request(2, "shutdown"), Notification("exit")});
  const std::vector<json> published = Published(Messages(run.out));
  ASSERT_EQ(published.size(), 1u) << run.out;
  bool found = false;
  for (const json& diagnostic : published[0]["diagnostics"]) {
    if (diagnostic["code"] != "alter-column-type-rewrite") continue;
    found = true;
    EXPECT_NE(diagnostic["message"].get<std::string>().find("integer to bigint"), std::string::npos)
        << diagnostic.dump();
  }
  EXPECT_TRUE(found) << published[0].dump();
}

TEST_F(LanguageServer, AnswersMalformedInputWithErrorsAndGoesOn) {
  std::string input = Framed(Request(1, "initialize"));
  input += "Content-Length: 9\r\n\r\n{not json";
  input += "Content-Length: many\r\n\r\n";
  input += Framed(json::array({1, 2}));
  input += Framed(Request(2, "no/such/method"));
  input += Framed(Request(3, "textDocument/hover", {{"position", 7}}));
  input += Framed(Request(4, "shutdown"));
  input += Framed(Notification("exit"));
  const auto run = RunPgshift({"lsp"}, {.stdin_data = input});
  ASSERT_TRUE(run.started) << run.error;
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const std::vector<json> messages = Messages(run.out);
  std::vector<int> null_id_errors;
  for (const json& message : messages) {
    if (message.contains("error") && message["id"].is_null()) {
      null_id_errors.push_back(message["error"]["code"]);
    }
  }
  EXPECT_EQ(null_id_errors, (std::vector<int>{-32700, -32700, -32600})) << run.out;
  ASSERT_NE(Response(messages, 2), nullptr);
  EXPECT_EQ((*Response(messages, 2))["error"]["code"], -32601);
  ASSERT_NE(Response(messages, 3), nullptr);
  EXPECT_EQ((*Response(messages, 3))["error"]["code"], -32602);
  ASSERT_NE(Response(messages, 4), nullptr);
}

TEST_F(LanguageServer, ExitsWhenTheClientGoesAwayWithoutShutdown) {
  const auto run = Serve({Request(1, "initialize")});
  ASSERT_TRUE(run.started) << run.error;
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(Response(Messages(run.out), 1), nullptr);
}

TEST(LspPositions, CountUtf16CodeUnits) {
  const std::string text = "é😀x\nab";  // é: 2 bytes, 1 unit; 😀: 4 bytes, 2 units
  const cli::lsp::LineIndex index(text);
  EXPECT_EQ(index.PositionOf(2).character, 1u);
  EXPECT_EQ(index.PositionOf(6).character, 3u);
  EXPECT_EQ(index.PositionOf(8).line, 1u);
  EXPECT_EQ(index.PositionOf(9).character, 1u);
  EXPECT_EQ(index.OffsetOf({0, 3}), 6u);
  EXPECT_EQ(index.OffsetOf({0, 99}), 7u);  // past the line: its end
  EXPECT_EQ(index.OffsetOf({5, 0}), text.size());
}

}  // namespace
}  // namespace pgshift::testing
