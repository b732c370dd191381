// The runner through a real PgBouncer started by the test (its own ini, auth file and socket in a
// temporary directory, run as the server's user): in session mode a run works end to end,
// kill -9 and resume included; in transaction mode the run is refused before anything runs,
// with the reason.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/workspace.h"

namespace pgshift::testing {
namespace {

using Clock = std::chrono::steady_clock;

bool WaitFor(const std::function<bool()>& condition, int seconds = 20) {
  for (auto end = Clock::now() + std::chrono::seconds(seconds); Clock::now() < end;) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t size = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  close(fd);
  return ntohs(address.sin_port);
}

// One PgBouncer in front of the shared test server, in the given pool mode.
class PgBouncer {
 public:
  PgBouncer(const runner::SandboxInfo& server, const std::string& mode) {
    char pattern[] = "/tmp/pgshift-pgbouncer-XXXXXX";
    dir_ = mkdtemp(pattern);
    port_ = FreePort();
    std::ofstream(dir_ + "/users.txt") << "\"postgres\" \"\"\n";
    std::ofstream(dir_ + "/pgbouncer.ini")
        << "[databases]\n* = host=127.0.0.1 port=" << server.port << " user=postgres\n"
        << "[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = " << port_
        << "\nunix_socket_dir = " << dir_ << "\nauth_type = trust\nauth_file = " << dir_
        << "/users.txt\npool_mode = " << mode
        << "\nmax_client_conn = 50\ndefault_pool_size = 4\nlogfile = " << dir_
        << "/pgbouncer.log\npidfile = " << dir_ << "/pgbouncer.pid\n";
    ProcessOptions options;
    if (getuid() == 0) {
      const passwd* owner = getpwnam("postgres");
      if (owner != nullptr) {
        for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_))
          chown(entry.path().c_str(), owner->pw_uid, owner->pw_gid);
        chown(dir_.c_str(), owner->pw_uid, owner->pw_gid);
      }
      options.as_user = "postgres";
    }
    const ProcessResult started = RunProcess({"pgbouncer", "-d", dir_ + "/pgbouncer.ini"}, options);
    error_ = started.exit_code == 0 ? "" : started.error + started.err + started.out;
  }
  ~PgBouncer() {
    std::ifstream pidfile(dir_ + "/pgbouncer.pid");
    pid_t pid = 0;
    if (pidfile >> pid && pid > 0) {
      kill(pid, SIGINT);
      WaitFor([&] { return kill(pid, 0) != 0; }, 5);
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  const std::string& error() const { return error_; }
  std::string Url(const std::string& database) const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
  }

 private:
  std::string dir_, error_;
  int port_ = 0;
};

const char* kPlan = R"toml(
id = "pooled"
[[stage]]
id = "add"
phase = "expand"
sql = "ALTER TABLE t ADD COLUMN c int"
rollback = "ALTER TABLE t DROP COLUMN c"
[[stage]]
id = "fill"
phase = "backfill"
backfill = { table = "t", set = "c = n + 1" }
rollback = []
)toml";

class Pooler : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = FreshDatabase();
    database_ = url_.substr(url_.rfind('/') + 1);
    db_ = ConnectTo(url_);
    ASSERT_TRUE(db_);
    Sql(*db_,
        "CREATE TABLE t (id bigint PRIMARY KEY, n int NOT NULL DEFAULT 0);"
        "INSERT INTO t (id, n) SELECT i, i FROM generate_series(1, 30000) i");
    plan_ = workspace_.Write("plan.toml", kPlan);
  }
  pid_t RunnerPid() {
    const std::string runner = Scalar(*db_, "SELECT runner FROM pgshift.plans");
    return static_cast<pid_t>(std::stol(runner.substr(std::string("pgshift pid ").size())));
  }

  std::string url_, database_, plan_;
  std::unique_ptr<runner::Database> db_;
  Workspace workspace_{"pooler"};
};

TEST_F(Pooler, SessionModeRunsKilledAndResumes) {
  PgBouncer bouncer(SharedServer(), "session");
  ASSERT_EQ(bouncer.error(), "");
  const std::string through = bouncer.Url(database_);
  ProcessResult killed;
  std::thread run([&] {
    killed = workspace_.Pgshift({"run", plan_, "--db", through, "--batch-size", "500",
                                 "--batch-time", "1ms", "--throttle", "15ms", "--progress",
                                 "none"});
  });
  ASSERT_TRUE(WaitFor([&] {
    return Scalar(*db_, "SELECT to_regclass('pgshift.stages') IS NOT NULL") == "t" &&
           Scalar(*db_,
                  "SELECT coalesce((SELECT rows_scanned >= 3000 FROM pgshift.stages WHERE "
                  "stage_id = 'fill'), false)") == "t";
  }));
  ASSERT_EQ(kill(RunnerPid(), SIGKILL), 0);
  run.join();
  EXPECT_EQ(killed.signal, SIGKILL);
  const std::string committed =
      Scalar(*db_, "SELECT rows_scanned FROM pgshift.stages WHERE stage_id = 'fill'");
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE c = n + 1"), committed);
  // PgBouncer returns the dead client's server session only after it is reset, so the plan's
  // lock goes with it and the resumed run through the same pool takes it.
  ProcessResult resumed;
  ASSERT_TRUE(WaitFor([&] {
    resumed = workspace_.Pgshift({"run", plan_, "--db", through, "--progress", "none"});
    return !Contains(resumed.err, "already being run");
  }));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err << resumed.out;
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE c = n + 1"), "30000");
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE c IS DISTINCT FROM n + 1"), "0");
  const ProcessResult status = workspace_.Pgshift({"status", plan_, "--db", through});
  EXPECT_EQ(status.exit_code, 0) << status.err;
}

TEST_F(Pooler, TransactionModeIsRefusedBeforeAnythingRuns) {
  PgBouncer bouncer(SharedServer(), "transaction");
  ASSERT_EQ(bouncer.error(), "");
  const ProcessResult run = workspace_.Pgshift({"run", plan_, "--db", bouncer.Url(database_)});
  EXPECT_EQ(run.exit_code, 2) << run.err << run.out;
  EXPECT_TRUE(Contains(run.err, "does not keep its server session between transactions"))
      << run.err;
  EXPECT_TRUE(Contains(run.err, "pool_mode = transaction")) << run.err;
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM pg_namespace WHERE nspname = 'pgshift'"), "0");
  EXPECT_EQ(Scalar(*db_,
                   "SELECT count(*) FROM information_schema.columns WHERE column_name = 'c'"),
            "0");
}

}  // namespace
}  // namespace pgshift::testing
