#include "tests/support/streaming_standby.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "runner/database.h"
#include "runner/process.h"

namespace pgshift::testing {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> Run(const std::vector<std::string>& argv,
                               const runner::SandboxInfo& info) {
  runner::ProcessOptions options;
  if (!info.user.empty()) options.as_user = info.user;
  options.cwd = info.directory;
  const runner::ProcessResult result = runner::RunProcess(argv, options);
  if (result.exit_code == 0) return std::nullopt;
  return runner::CommandLine(argv) + " failed: " + result.error + result.err + result.out;
}

}  // namespace

std::optional<std::string> StreamingStandby::Start(const runner::SandboxInfo& primary) {
  if (primary.engine != "local") return "the standby needs the local test server";
  info_ = primary;
  info_.directory.clear();  // nothing of the primary's may be stopped or removed by Stop
  // The sandbox's directory naming, so that runner::StopLocalSandbox may remove it.
  std::string pattern = (fs::temp_directory_path() / "pgshift-sandbox-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return "cannot create a temporary directory";
  info_.directory = pattern;
  chmod(info_.directory.c_str(), 0700);
  if (!info_.user.empty()) {
    const passwd* owner = getpwnam(info_.user.c_str());
    if (owner == nullptr || chown(info_.directory.c_str(), owner->pw_uid, owner->pw_gid) != 0)
      return "cannot give " + info_.directory + " to user " + info_.user;
  }
  const std::string data = info_.directory + "/data";
  std::vector<std::string> backup = {primary.bin_dir + "/pg_basebackup", "-h", "127.0.0.1", "-p",
                                      std::to_string(primary.port), "-U", "postgres", "-D", data,
                                      "-R", "-X", "stream", "-c", "fast", "--no-sync"};
  // A tablespace another suite made on the primary would be copied to its own directory, which
  // the primary still uses on this machine: each one goes under the standby's directory instead.
  {
    auto connected = runner::Connect(primary.url, "pgshift-test");
    if (const auto* error = runner::ErrorOf(connected)) return error->message;
    auto& db = *std::get<std::unique_ptr<runner::Database>>(connected);
    auto spaces = db.Exec(
        "SELECT spcname, pg_tablespace_location(oid) FROM pg_tablespace "
        "WHERE spcname NOT IN ('pg_default', 'pg_global')");
    if (const auto* error = runner::ErrorOf(spaces)) return error->message;
    for (const auto& row : std::get<runner::Rows>(spaces).rows) {
      const std::string target = info_.directory + "/tablespace-" + row[0].value_or("");
      backup.push_back("--tablespace-mapping=" + row[1].value_or("") + "=" + target);
    }
  }
  if (auto error = Run(backup, info_)) return error;
  info_.port = runner::FreeLocalPort();
  // The standby reports its replay position every second rather than every 10 s, so that the
  // primary's pg_stat_replication follows a paused and resumed replay promptly.
  const std::string options = "-p " + std::to_string(info_.port) + " -k '" + info_.directory +
                              "' -c listen_addresses=127.0.0.1 -c hot_standby=on"
                              " -c wal_receiver_status_interval=1";
  // Reaching a consistent state means replaying all the WAL written during the backup, which
  // on a machine busy with other suites' writes can take well over a minute.
  if (auto error = Run({primary.bin_dir + "/pg_ctl", "-D", data, "-l",
                        info_.directory + "/server.log", "-w", "-t", "240", "-o", options, "start"},
                       info_)) {
    std::ifstream log(info_.directory + "/server.log");
    std::stringstream text;
    text << log.rdbuf();
    const std::string all = text.str();
    return *error + "\nthe standby's server.log ends:\n" +
           all.substr(all.size() > 4000 ? all.size() - 4000 : 0);
  }
  info_.url = "postgresql://postgres@127.0.0.1:" + std::to_string(info_.port) + "/postgres";
  if (auto error = runner::WaitUntilReady(info_.url, 60)) return error->message;
  auto connected = runner::Connect(info_.url, "pgshift-test");
  if (const auto* error = runner::ErrorOf(connected)) return error->message;
  auto& db = *std::get<std::unique_ptr<runner::Database>>(connected);
  for (int i = 0; i < 300; ++i) {
    auto status = db.Exec("SELECT status FROM pg_stat_wal_receiver");
    if (!runner::ErrorOf(status) && std::get<runner::Rows>(status).Scalar() == "streaming")
      return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return "the standby did not start streaming within 30 s";
}

void StreamingStandby::Stop() {
  if (info_.directory.empty() || info_.directory == "/") return;
  runner::StopLocalSandbox(info_);
  info_.directory.clear();
}

}  // namespace pgshift::testing
