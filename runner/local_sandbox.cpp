// The local sandbox provider: initdb and pg_ctl from the machine's PostgreSQL server binaries.
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "runner/process.h"
#include "runner/sandbox.h"

namespace pgshift::runner {
namespace {

namespace fs = std::filesystem;

// The newest /usr/lib/postgresql/<major>/bin that holds initdb, else the directory of an
// initdb on PATH.
std::string FindServerBinaries() {
  if (const char* env = std::getenv("PGSHIFT_PG_BIN"); env != nullptr && *env != '\0') return env;
  int best = -1;
  std::string best_dir;
  std::error_code ignored;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ignored)) {
    const std::string name = entry.path().filename().string();
    const int major = std::atoi(name.c_str());
    if (major > best && fs::exists(entry.path() / "bin" / "initdb", ignored)) {
      best = major;
      best_dir = (entry.path() / "bin").string();
    }
  }
  if (!best_dir.empty()) return best_dir;
  const char* path = std::getenv("PATH");
  std::string paths = path == nullptr ? "" : path;
  for (std::size_t start = 0; start <= paths.size();) {
    const std::size_t colon = std::min(paths.find(':', start), paths.size());
    const fs::path dir = paths.substr(start, colon - start);
    if (!dir.empty() && fs::exists(dir / "initdb", ignored))
      return fs::canonical(dir / "initdb").parent_path().string();
    start = colon + 1;
  }
  return "";
}

std::string Tail(const std::string& text, std::size_t max = 1500) {
  return text.size() <= max ? text : "..." + text.substr(text.size() - max);
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool IsSandboxDirectory(const std::string& directory) {
  return fs::path(directory).filename().string().rfind("pgshift-sandbox-", 0) == 0;
}

std::optional<SandboxError> Run(const std::vector<std::string>& argv, const SandboxInfo& info,
                                const std::string& what) {
  ProcessOptions options;
  if (!info.user.empty()) options.as_user = info.user;
  options.cwd = info.directory;
  const ProcessResult result = RunProcess(argv, options);
  if (result.exit_code == 0) return std::nullopt;
  return SandboxError{what + " failed (" + CommandLine(argv) +
                      "): " + (result.started ? Tail(result.err + result.out) : result.error)};
}

std::optional<SandboxError> StartServer(SandboxInfo& info) {
  const fs::path dir = info.directory;
  std::optional<SandboxError> last;
  for (int attempt = 0; attempt < 5; ++attempt) {
    info.port = FreeLocalPort();
    if (info.port == 0) return SandboxError{"no free TCP port on 127.0.0.1"};
    const std::string server_options =
        "-p " + std::to_string(info.port) + " -k '" + dir.string() +
        "' -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        " -c synchronous_commit=off -c max_connections=100";
    last = Run({info.bin_dir + "/pg_ctl", "-D", (dir / "data").string(), "-l",
                (dir / "server.log").string(), "-w", "-t", "60", "-o", server_options, "start"},
               info, "pg_ctl start");
    if (!last) break;
    // Another process may have taken the port between our probe and the server's bind.
    if (ReadFile(dir / "server.log").find("could not bind") == std::string::npos) {
      last->message += "\n" + Tail(ReadFile(dir / "server.log"));
      return last;
    }
  }
  if (last) return last;
  info.url = "postgresql://postgres@127.0.0.1:" + std::to_string(info.port) + "/postgres";
  return WaitUntilReady(info.url, 60);
}

}  // namespace

std::variant<SandboxInfo, SandboxError> StartLocalSandbox(const SandboxOptions& options) {
  SandboxInfo info;
  info.engine = "local";
  info.bin_dir = options.bin_dir.empty() ? FindServerBinaries() : options.bin_dir;
  std::error_code ignored;
  if (info.bin_dir.empty() || !fs::exists(fs::path(info.bin_dir) / "initdb", ignored)) {
    return SandboxError{
        "no PostgreSQL server binaries found (looked for initdb in "
        "/usr/lib/postgresql/*/bin and on PATH; install postgresql or pass --bin-dir)"};
  }
  const passwd* owner = nullptr;
  if (geteuid() == 0) {
    owner = getpwnam(options.user.c_str());
    if (owner == nullptr) {
      return SandboxError{"PostgreSQL refuses to run as root, and there is no user `" +
                          options.user + "` to run it as (create it, or pass --user)"};
    }
    info.user = options.user;
  }
  std::string pattern = (fs::temp_directory_path() / "pgshift-sandbox-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr)
    return SandboxError{"cannot create a temporary directory"};
  info.directory = pattern;
  chmod(info.directory.c_str(), 0700);
  if (owner != nullptr && chown(info.directory.c_str(), owner->pw_uid, owner->pw_gid) != 0) {
    fs::remove_all(info.directory, ignored);
    return SandboxError{"cannot give " + info.directory + " to user " + info.user};
  }
  auto fail = [&](SandboxError error) {
    StopLocalSandbox(info);
    return error;
  };
  if (auto error =
          Run({info.bin_dir + "/initdb", "-D", info.directory + "/data", "-U", "postgres", "-A",
               "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"},
              info, "initdb")) {
    return fail(*error);
  }
  if (auto error = StartServer(info)) return fail(*error);
  return info;
}

std::optional<SandboxError> StopLocalSandbox(const SandboxInfo& info) {
  if (!IsSandboxDirectory(info.directory)) {
    return SandboxError{"`" + info.directory + "` is not a sandbox directory; not removing it"};
  }
  const fs::path data = fs::path(info.directory) / "data";
  std::error_code ignored;
  if (fs::exists(data / "postmaster.pid", ignored)) {
    const auto stopped = Run({info.bin_dir + "/pg_ctl", "-D", data.string(), "-m", "immediate",
                              "-w", "-t", "30", "stop"},
                             info, "pg_ctl stop");
    if (stopped) {
      // pg_ctl could not stop it: kill the postmaster named in its pid file.
      std::ifstream pid_file(data / "postmaster.pid");
      long pid = 0;
      if (pid_file >> pid && pid > 1) kill(static_cast<pid_t>(pid), SIGKILL);
    }
  }
  fs::remove_all(info.directory, ignored);
  if (fs::exists(info.directory, ignored)) return SandboxError{"cannot remove " + info.directory};
  return std::nullopt;
}

std::optional<SandboxError> RestartSandbox(const SandboxInfo& info) {
  if (info.engine != "local")
    return SandboxError{"restart is only supported for the local sandbox"};
  const std::string data = info.directory + "/data";
  if (auto error = Run({info.bin_dir + "/pg_ctl", "-D", data, "-m", "fast", "-w", "-t", "60", "-l",
                        info.directory + "/server.log", "restart"},
                       info, "pg_ctl restart")) {
    return error;
  }
  return WaitUntilReady(info.url, 60);
}

}  // namespace pgshift::runner
