#include "tests/support/postgres_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <mutex>
#include <optional>

namespace pgshift::testing {
namespace {

std::mutex mutex;
std::optional<runner::SandboxInfo> server;
std::string start_error;

// Stops the shared server when the test binary ends.
class StopServer : public ::testing::Environment {
 public:
  void TearDown() override {
    std::lock_guard lock(mutex);
    if (server) runner::StopSandbox(*server);
    server.reset();
  }
};
[[maybe_unused]] ::testing::Environment* const kStopServer =
    ::testing::AddGlobalTestEnvironment(new StopServer);

}  // namespace

const runner::SandboxInfo& SharedServer() {
  std::lock_guard lock(mutex);
  if (!server && start_error.empty()) {
    auto started = runner::StartSandbox({});
    if (auto* info = std::get_if<runner::SandboxInfo>(&started))
      server = *info;
    else
      start_error = std::get<runner::SandboxError>(started).message;
  }
  if (!server) {
    ADD_FAILURE() << "cannot start the test server: " << start_error;
    static const runner::SandboxInfo kNone;
    return kNone;
  }
  return *server;
}

std::string WithDatabase(const std::string& url, const std::string& database) {
  const std::size_t slash = url.rfind('/');
  return url.substr(0, slash + 1) + database;
}

std::string FreshDatabase() {
  static std::atomic<int> counter{0};
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = "t" + std::to_string(++counter) + "_";
  for (char c : std::string(test ? test->name() : "db")) {
    name += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
  }
  name.resize(std::min<std::size_t>(name.size(), 60));
  const std::string base = SharedServer().url;
  if (base.empty()) return "";
  auto admin = ConnectTo(base);
  if (!admin) return "";
  Sql(*admin, "DROP DATABASE IF EXISTS " + admin->QuoteIdent(name) + " WITH (FORCE)");
  Sql(*admin, "CREATE DATABASE " + admin->QuoteIdent(name));
  return WithDatabase(base, name);
}

std::unique_ptr<runner::Database> ConnectTo(const std::string& url) {
  auto connected = runner::Connect(url, "pgshift-test");
  if (const auto* error = runner::ErrorOf(connected)) {
    ADD_FAILURE() << "cannot connect to " << url << ": " << error->message;
    return nullptr;
  }
  return std::move(std::get<std::unique_ptr<runner::Database>>(connected));
}

runner::Rows Sql(runner::Database& db, const std::string& sql) {
  auto result = db.Exec(sql);
  if (const auto* error = runner::ErrorOf(result)) {
    ADD_FAILURE() << sql << "\n  failed: " << error->message;
    return {};
  }
  return std::get<runner::Rows>(std::move(result));
}

std::string Scalar(runner::Database& db, const std::string& sql) { return Sql(db, sql).Scalar(); }

std::string IdleBlockerName(runner::Database& blocker) {
  return "pid " + std::to_string(blocker.BackendPid()) + " (idle in transaction";
}

}  // namespace pgshift::testing
