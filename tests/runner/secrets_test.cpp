// Passwords against a real server that asks for them (SCRAM): pgshift connects with a password
// in the URL, in a key=value string, in PGPASSWORD, in a password file and in a service file, and
// the password appears in none of run, status, rollback and history output, progress, errors or
// the journal's bytes; wrong and malformed connection strings fail without echoing it.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/workspace.h"

namespace pgshift::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kRole = "pgshift_secret";
// Characters that a URL must percent-encode, so the encoded and decoded forms both matter.
constexpr const char* kPassword = "Sup3r@secret/pw?x";
constexpr const char* kEncoded = "Sup3r%40secret%2Fpw%3Fx";

const char* kPlan = R"toml(
id = "secret-run"
[[stage]]
id = "add"
phase = "expand"
sql = "ALTER TABLE t ADD COLUMN c int"
rollback = "ALTER TABLE t DROP COLUMN c"

[[stage]]
id = "fill"
phase = "backfill"
backfill = { table = "t", set = "c = 1", where = "c IS NULL" }
rollback = []
)toml";

std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Creates the role and puts a SCRAM line for it first in pg_hba.conf, once per server.
bool RequirePasswordForRole() {
  static const bool done = [] {
    const runner::SandboxInfo& server = SharedServer();
    auto admin = ConnectTo(server.url);
    if (!admin) return false;
    Sql(*admin, "SET password_encryption = 'scram-sha-256'");
    Sql(*admin,
        std::string("CREATE ROLE ") + kRole + " LOGIN PASSWORD " + admin->QuoteLiteral(kPassword));
    const fs::path hba = fs::path(server.directory) / "data" / "pg_hba.conf";
    const std::string old = ReadBytes(hba);
    std::ofstream(hba, std::ios::trunc) << "host all " << kRole << " 127.0.0.1/32 scram-sha-256\n"
                                        << old;
    Sql(*admin, "SELECT pg_reload_conf()");
    return true;
  }();
  return done;
}

class Secrets : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(RequirePasswordForRole());
    const std::string url = FreshDatabase();
    ASSERT_FALSE(url.empty());
    database_ = url.substr(url.rfind('/') + 1);
    auto admin = ConnectTo(url);
    ASSERT_TRUE(admin);
    Sql(*admin,
        "CREATE TABLE t (id bigint PRIMARY KEY); INSERT INTO t SELECT generate_series(1, "
        "2500); ALTER TABLE t OWNER TO " +
            std::string(kRole) + "; ALTER DATABASE " + admin->QuoteIdent(database_) + " OWNER TO " +
            kRole);
    admin_ = std::move(admin);
    plan_ = workspace_.Write("plan.toml", kPlan);
    // No password file or service file of the user running the tests takes part.
    workspace_.options.env["HOME"] = workspace_.dir().string();
  }

  std::string Port() const { return std::to_string(SharedServer().port); }
  std::string Url(const std::string& userinfo) const {
    return "postgresql://" + userinfo + "@127.0.0.1:" + Port() + "/" + database_;
  }

  ProcessResult Pgshift(const std::vector<std::string>& args) {
    ProcessResult result = workspace_.Pgshift(args);
    seen_ += result.out + result.err;
    return result;
  }

  // Everything pgshift printed in this test, and the journal's bytes, hold no form of the
  // password (nor `extra`).
  void ExpectNoSecretAnywhere(const std::string& extra = "") {
    std::string journal;
    for (const char* suffix : {"", "-wal", "-journal"})
      journal += ReadBytes(workspace_.dir() / ("journal.db" + std::string(suffix)));
    EXPECT_FALSE(journal.empty()) << "no journal was written";
    for (const std::string& secret : {std::string(kPassword), std::string(kEncoded), extra}) {
      if (secret.empty()) continue;
      EXPECT_FALSE(Contains(seen_, secret)) << secret << " in:\n" << seen_;
      EXPECT_FALSE(Contains(journal, secret)) << secret << " in the journal";
    }
  }

  // Runs, checks and rolls back the plan on `target`; the run really happened.
  void RunEverything(const std::string& target) {
    const ProcessResult run =
        Pgshift({"run", plan_, "--db", target, "--progress", "json", "--batch-size", "1000"});
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    EXPECT_TRUE(Contains(run.err, "\"event\":\"batch\"")) << run.err;  // progress was shown
    EXPECT_EQ(Scalar(*admin_, "SELECT count(*) FROM t WHERE c = 1"), "2500");
    EXPECT_EQ(Pgshift({"status", plan_, "--db", target}).exit_code, 0);
    EXPECT_EQ(Pgshift({"status", plan_, "--db", target, "--json"}).exit_code, 0);
    EXPECT_EQ(Pgshift({"rollback", plan_, "--db", target}).exit_code, 0);
    EXPECT_EQ(Pgshift({"history"}).exit_code, 0);
    EXPECT_EQ(Pgshift({"history", "--json", "--batches"}).exit_code, 0);
  }

  std::string database_;
  std::unique_ptr<runner::Database> admin_;
  Workspace workspace_{"secrets"};
  std::string plan_;
  std::string seen_;
};

TEST_F(Secrets, TheServerAsksForThePassword) {
  const ProcessResult none = Pgshift({"status", plan_, "--db", Url(kRole)});
  EXPECT_EQ(none.exit_code, 3);
  EXPECT_TRUE(Contains(none.err, "no password supplied")) << none.err;
}

TEST_F(Secrets, PasswordInTheUrl) {
  RunEverything(Url(std::string(kRole) + ":" + kEncoded));
  EXPECT_TRUE(Contains(seen_, "postgresql://pgshift_secret:***@127.0.0.1:" + Port())) << seen_;
  ExpectNoSecretAnywhere();
}

TEST_F(Secrets, PasswordInTheUrlFromTheEnvironment) {
  workspace_.options.env["PGSHIFT_DATABASE_URL"] = Url(std::string(kRole) + ":" + kEncoded);
  const ProcessResult run = Pgshift({"run", plan_});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "pgshift_secret:***@")) << run.out;
  EXPECT_EQ(Pgshift({"history"}).exit_code, 0);
  ExpectNoSecretAnywhere();
}

TEST_F(Secrets, PasswordInAKeyValueString) {
  const std::string target = "host=127.0.0.1 port=" + Port() + " user=" + kRole + " password='" +
                             kPassword + "' dbname=" + database_;
  RunEverything(target);
  EXPECT_TRUE(Contains(seen_, "user=pgshift_secret password=*** dbname=")) << seen_;
  ExpectNoSecretAnywhere();
}

TEST_F(Secrets, Pgpassword) {
  workspace_.options.env["PGPASSWORD"] = kPassword;
  RunEverything(Url(kRole));
  ExpectNoSecretAnywhere();
}

TEST_F(Secrets, PasswordFile) {
  const fs::path file = workspace_.dir() / "pgpass";
  std::ofstream(file) << "127.0.0.1:" << Port() << ":" << database_ << ":" << kRole << ":"
                      << kPassword << "\n";
  chmod(file.c_str(), 0600);  // libpq ignores a password file others can read
  workspace_.options.env["PGPASSFILE"] = file.string();
  RunEverything(Url(kRole));
  ExpectNoSecretAnywhere();
}

TEST_F(Secrets, PasswordFileInTheHomeDirectory) {
  const fs::path file = workspace_.dir() / ".pgpass";
  std::ofstream(file) << "*:" << Port() << ":*:" << kRole << ":" << kPassword << "\n";
  chmod(file.c_str(), 0600);
  RunEverything(Url(kRole));  // HOME is the workspace
  ExpectNoSecretAnywhere();
}

TEST_F(Secrets, ServiceFileInTheHomeDirectory) {
  std::ofstream(workspace_.dir() / ".pg_service.conf")
      << "[shop]\nhost=127.0.0.1\nport=" << Port() << "\ndbname=" << database_
      << "\nuser=" << kRole << "\npassword=" << kPassword << "\n";
  RunEverything("service=shop");  // HOME is the workspace
  ExpectNoSecretAnywhere();
}

TEST_F(Secrets, ServiceFile) {
  const fs::path file = workspace_.dir() / "pg_service.conf";
  std::ofstream(file) << "[shop]\nhost=127.0.0.1\nport=" << Port() << "\ndbname=" << database_
                      << "\nuser=" << kRole << "\npassword=" << kPassword << "\n";
  workspace_.options.env["PGSERVICEFILE"] = file.string();
  RunEverything("service=shop");
  EXPECT_TRUE(Contains(seen_, "on service=shop")) << seen_;
  // The URL form of a service works too.
  EXPECT_EQ(Pgshift({"status", plan_, "--db", "postgresql://?service=shop"}).exit_code, 0);
  ExpectNoSecretAnywhere();
}

TEST_F(Secrets, AWrongPasswordFailsWithoutEchoingIt) {
  const std::string wrong = "Wr0ng-guess";
  const ProcessResult run = Pgshift({"run", plan_, "--db", Url(std::string(kRole) + ":" + wrong)});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_TRUE(Contains(run.err, "password authentication failed for user \"pgshift_secret\""))
      << run.err;
  workspace_.options.env["PGPASSWORD"] = wrong;
  const ProcessResult status = Pgshift({"status", plan_, "--db", Url(kRole)});
  EXPECT_EQ(status.exit_code, 3);
  EXPECT_TRUE(Contains(status.err, "password authentication failed")) << status.err;
  EXPECT_EQ(Pgshift({"history", "--json"}).exit_code, 0);
  ExpectNoSecretAnywhere(wrong);
}

TEST_F(Secrets, MalformedUrlsFailWithoutEchoingThePassword) {
  // Unencoded, the '/' ends the host: libpq reads "pgshift_secret" as the host and "Sek" as its
  // port, and says so.
  const ProcessResult slash = Pgshift({"run", plan_, "--db", Url("pgshift_secret:Sek/ret")});
  EXPECT_EQ(slash.exit_code, 3);
  EXPECT_TRUE(Contains(slash.err, "invalid integer value \"***\" for connection option \"port\""))
      << slash.err;
  const ProcessResult escape = Pgshift({"run", plan_, "--db", Url("pgshift_secret:Sek%zzret")});
  EXPECT_EQ(escape.exit_code, 3);
  EXPECT_TRUE(Contains(escape.err, "invalid percent-encoded token")) << escape.err;
  const ProcessResult bracket =
      Pgshift({"status", plan_, "--db", "postgresql://pgshift_secret:Sekret@[::1/" + database_});
  EXPECT_EQ(bracket.exit_code, 3);
  EXPECT_TRUE(Contains(bracket.err, "pgshift_secret:***@[::1")) << bracket.err;
  const ProcessResult quote =
      Pgshift({"status", plan_, "--db", "host=127.0.0.1 password='Sekret dbname=x"});
  EXPECT_EQ(quote.exit_code, 3);
  EXPECT_TRUE(Contains(quote.err, "unterminated quoted string")) << quote.err;
  for (const char* part : {"Sek/ret", "Sek%zzret", "Sekret", "Sek\""})
    EXPECT_FALSE(Contains(seen_, part)) << part << " in:\n" << seen_;
  ExpectNoSecretAnywhere();
}

// A standby named for throttling that cannot be reached (a closed port, a wrong password, a URL
// libpq splits elsewhere) stops the run; its own password, which the target's redaction does not
// know, appears nowhere either.
TEST_F(Secrets, AStandbyThatCannotBeReachedNeverShowsItsPassword) {
  const std::string target = Url(std::string(kRole) + ":" + kEncoded);
  const std::string closed = "St4ndby-closed-pw";
  const std::string wrong = "St4ndby-wrong-pw";
  const std::string keyword = "St4ndby kv pw";
  const std::string unencoded = "St4ndby/unencoded";
  const std::string standbys[] = {
      "postgresql://" + std::string(kRole) + ":" + closed + "@127.0.0.1:1/" + database_,
      Url(std::string(kRole) + ":" + wrong),
      "host=127.0.0.1 port=1 user=" + std::string(kRole) + " password='" + keyword +
          "' dbname=" + database_,
      Url(std::string(kRole) + ":" + unencoded),
      "postgresql://" + std::string(kRole) + ":St4ndby@atpiece@127.0.0.1:1/" + database_,
      "postgresql://" + std::string(kRole) + "@127.0.0.1:1/" + database_ +
          "?password=St4ndby%20query"};
  for (const std::string& standby : standbys) {
    const ProcessResult run = Pgshift({"run", plan_, "--db", target, "--progress", "json",
                                       "--max-replica-lag", "2", "--replica", standby});
    EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
    EXPECT_TRUE(Contains(run.err, "cannot connect to standby ")) << run.err;
  }
  // And one the plan names.
  const std::string named = "St4ndby-plan-pw";
  const std::string plan = workspace_.Write(
      "standby-plan.toml", "replicas = [\"postgresql://" + std::string(kRole) + ":" + named +
                               "@127.0.0.1:1/" + database_ + "\"]\nmax_replica_lag = 2\n" + kPlan);
  const ProcessResult run = Pgshift({"run", plan, "--db", target, "--progress", "json"});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_TRUE(Contains(run.err, "cannot connect to standby postgresql://pgshift_secret:***@"))
      << run.err;
  EXPECT_TRUE(Contains(seen_, "password authentication failed for user \"pgshift_secret\""))
      << seen_;
  EXPECT_EQ(Pgshift({"history", "--json"}).exit_code, 0);
  // The stage failed on its standby: status shows it, and exits 1 for it.
  EXPECT_EQ(Pgshift({"status", plan_, "--db", target}).exit_code, 1);
  for (const std::string& secret : {closed, wrong, keyword, unencoded, std::string("St4ndby"),
                                    std::string("atpiece"), std::string("St4ndby%20query"), named})
    ExpectNoSecretAnywhere(secret);
}

}  // namespace
}  // namespace pgshift::testing
