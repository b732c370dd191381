#include "runner/process.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <initializer_list>
#include <system_error>

extern char** environ;

namespace pgshift::runner {
namespace {

// What the child sends back through the close-on-exec pipe when the program did not start.
struct ChildFailure {
  enum Step : int { kUser = 1, kDirectory = 2, kExec = 3 } step;
  int error;  // errno
};

struct Identity {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
  std::string name, home;
};

void CloseAll(std::initializer_list<int> fds) {
  for (int fd : fds) {
    if (fd >= 0) close(fd);
  }
}

// A pipe whose ends are close-on-exec (a process another thread starts must not inherit them)
// and above 2 (moving them onto 0, 1 and 2 in the child then never overwrites one of them).
bool OpenPipe(int fds[2]) {
  if (pipe2(fds, O_CLOEXEC) != 0) return false;
  for (int i = 0; i < 2; ++i) {
    if (fds[i] > 2) continue;
    const int moved = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
    close(fds[i]);
    fds[i] = moved;
  }
  if (fds[0] >= 0 && fds[1] >= 0) return true;
  CloseAll({fds[0], fds[1]});
  fds[0] = fds[1] = -1;
  return false;
}

std::optional<Identity> LookUpUser(const std::string& name) {
  passwd entry{}, *found = nullptr;
  std::vector<char> buffer(16384);
  while (getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) == ERANGE) {
    buffer.resize(buffer.size() * 2);
  }
  if (found == nullptr) return std::nullopt;
  Identity identity{entry.pw_uid, entry.pw_gid, {}, entry.pw_name, entry.pw_dir};
  int count = 0;  // a first call with no room gives the number of groups
  getgrouplist(entry.pw_name, entry.pw_gid, nullptr, &count);
  identity.groups.resize(std::max(count, 1));
  if (getgrouplist(entry.pw_name, entry.pw_gid, identity.groups.data(), &count) < 0 ||
      count < 1) {
    identity.groups.assign(1, entry.pw_gid);  // its own group at least, never root's
  } else {
    identity.groups.resize(count);
  }
  return identity;
}

// The child's environment: ours, with `overrides` added or replacing.
std::vector<std::string> Environment(const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> entries;
  for (char** variable = environ; variable != nullptr && *variable != nullptr; ++variable) {
    const std::string entry = *variable;
    if (!overrides.count(entry.substr(0, entry.find('=')))) entries.push_back(entry);
  }
  for (const auto& [key, value] : overrides) entries.push_back(key + "=" + value);
  return entries;
}

std::string Reason(int error) { return std::error_code(error, std::generic_category()).message(); }

// Writing to a program that has stopped reading must not end us with SIGPIPE. The signal is
// blocked in this thread only (other threads keep their own), and one it raised is taken back.
class SigpipeBlocked {
 public:
  SigpipeBlocked() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &previous_);
  }
  ~SigpipeBlocked() {
    if (!was_pending_) {
      const timespec now{};
      while (sigtimedwait(&pipe_, nullptr, &now) == SIGPIPE) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }

 private:
  sigset_t pipe_{}, previous_{};
  bool was_pending_ = false;
};

// Whether the child could change into `directory`.
bool Enterable(const std::string& directory) {
  struct stat info {};
  return stat(directory.c_str(), &info) == 0 && S_ISDIR(info.st_mode) &&
         access(directory.c_str(), X_OK) == 0;
}

// Starts `args` with standard input, output and error on the given pipe ends, SIGPIPE back at
// its default, in `cwd` when not empty; what fork and exec below do, in one call. Returns 0 or
// the error (of the exec or of a step before it).
int Spawn(std::vector<char*>& args, char** envp, int in, int out, int err, const std::string& cwd,
          pid_t& pid) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attributes);
  // dup2 clears close-on-exec on 0, 1 and 2; every other descriptor closes at exec.
  posix_spawn_file_actions_adddup2(&actions, in, 0);
  posix_spawn_file_actions_adddup2(&actions, out, 1);
  posix_spawn_file_actions_adddup2(&actions, err, 2);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
  const int error = posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), envp);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) pid = -1;
  return error;
}

}  // namespace

ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options) {
  ProcessResult result;
  if (argv.empty()) {
    result.error = "no program to run";
    return result;
  }
  // Everything the child needs is prepared here: between fork and exec it may only make
  // async-signal-safe calls, since another thread may hold a lock (malloc's, NSS's) at the fork.
  std::optional<Identity> identity;
  std::map<std::string, std::string> overrides;
  if (options.as_user && geteuid() == 0) {
    identity = LookUpUser(*options.as_user);
    if (!identity) {
      result.error = "cannot run " + argv[0] + " as user " + *options.as_user + ": no such user";
      return result;
    }
    overrides = {{"HOME", identity->home}, {"USER", identity->name}, {"LOGNAME", identity->name}};
  }
  for (const auto& [key, value] : options.env) overrides[key] = value;
  std::vector<std::string> environment;
  std::vector<char*> envp, args;
  if (!overrides.empty()) {
    environment = Environment(overrides);
    for (std::string& entry : environment) envp.push_back(entry.data());
    envp.push_back(nullptr);
  }
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1}, report[2] = {-1, -1};
  if (!OpenPipe(in) || !OpenPipe(out) || !OpenPipe(err) || !OpenPipe(report)) {
    const int error = errno;
    CloseAll({in[0], in[1], out[0], out[1], err[0], err[1], report[0], report[1]});
    result.error = "cannot run " + argv[0] + ": no pipe (" + Reason(error) + ")";
    return result;
  }
  // posix_spawn starts the program without copying this process's page tables (glibc clones with
  // CLONE_VM and CLONE_VFORK), which fork does: 2 to 5 ms before git started, against 0.3 ms, in
  // a lint run that waits for it. Running as another user, or with another PATH to search,
  // takes fork and exec.
  const bool spawn = !identity && !overrides.count("PATH");
  pid_t pid = -1;
  int spawn_error = 0;
  if (spawn) {
    spawn_error =
        Spawn(args, envp.empty() ? environ : envp.data(), in[0], out[1], err[1], options.cwd, pid);
  } else {
    pid = fork();
    if (pid < 0) spawn_error = errno;
  }
  if (pid < 0 || spawn_error != 0) {
    CloseAll({in[0], in[1], out[0], out[1], err[0], err[1], report[0], report[1]});
    // posix_spawn gives one error for a directory it could not enter or a program it could not
    // run: which it was, the directory tells.
    if (spawn && !options.cwd.empty() && !Enterable(options.cwd)) {
      result.error = "cannot run " + argv[0] + " in " + options.cwd + ": " + Reason(spawn_error);
    } else {
      result.error = "cannot run " + argv[0] + ": " + Reason(spawn_error);
    }
    return result;
  }
  if (pid == 0) {
    // dup2 clears close-on-exec on 0, 1 and 2; every other descriptor closes at exec.
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    sigaction(SIGPIPE, &default_action, nullptr);
    auto fail = [&](ChildFailure::Step step) {
      const ChildFailure failure{step, errno};
      [[maybe_unused]] const ssize_t ignored = write(report[1], &failure, sizeof failure);
      _exit(127);
    };
    if (identity && (setgroups(identity->groups.size(), identity->groups.data()) != 0 ||
                     setgid(identity->gid) != 0 || setuid(identity->uid) != 0)) {
      fail(ChildFailure::kUser);
    }
    if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) fail(ChildFailure::kDirectory);
    if (!envp.empty()) environ = envp.data();  // execvp searches the new PATH and passes environ
    execvp(args[0], args.data());
    fail(ChildFailure::kExec);
  }
  CloseAll({in[0], out[1], err[1], report[1]});

  int to_child = in[1];
  std::optional<SigpipeBlocked> sigpipe_blocked;
  if (options.stdin_data.empty()) {
    close(to_child);
    to_child = -1;
  } else {
    sigpipe_blocked.emplace();
    fcntl(to_child, F_SETFL, O_NONBLOCK);
  }
  std::size_t written = 0;
  bool out_open = true, err_open = true;
  char buffer[65536];
  while (out_open || err_open || to_child >= 0) {
    pollfd fds[3] = {{out_open ? out[0] : -1, POLLIN, 0},
                     {err_open ? err[0] : -1, POLLIN, 0},
                     {to_child, POLLOUT, 0}};
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents != 0) {
      const ssize_t n = read(out[0], buffer, sizeof buffer);
      if (n > 0)
        result.out.append(buffer, n);
      else if (n == 0 || errno != EINTR)
        out_open = false;
    }
    if (fds[1].revents != 0) {
      const ssize_t n = read(err[0], buffer, sizeof buffer);
      if (n > 0)
        result.err.append(buffer, n);
      else if (n == 0 || errno != EINTR)
        err_open = false;
    }
    if (to_child >= 0 && fds[2].revents != 0) {
      const ssize_t n =
          write(to_child, options.stdin_data.data() + written, options.stdin_data.size() - written);
      if (n > 0) written += n;
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == options.stdin_data.size()) {
        close(to_child);
        to_child = -1;
      }
    }
  }
  CloseAll({out[0], err[0], to_child});
  sigpipe_blocked.reset();

  ChildFailure failure{};
  ssize_t got;
  while ((got = read(report[0], &failure, sizeof failure)) < 0 && errno == EINTR) {
  }
  close(report[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (got == static_cast<ssize_t>(sizeof failure)) {
    switch (failure.step) {
      case ChildFailure::kUser:
        result.error = "cannot switch to user " + *options.as_user + " to run " + argv[0] + ": " +
                       Reason(failure.error);
        break;
      case ChildFailure::kDirectory:
        result.error =
            "cannot run " + argv[0] + " in " + options.cwd + ": " + Reason(failure.error);
        break;
      case ChildFailure::kExec:
        result.error = "cannot run " + argv[0] + ": " + Reason(failure.error);
        break;
    }
    return result;
  }
  result.started = true;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

std::string CommandLine(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& arg : argv) {
    if (!line.empty()) line += ' ';
    const bool plain = !arg.empty() && arg.find_first_of(" \t'\"\\$`") == std::string::npos;
    if (plain) {
      line += arg;
    } else {
      line += '\'';
      for (char c : arg) line += c == '\'' ? std::string("'\\''") : std::string(1, c);
      line += '\'';
    }
  }
  return line;
}

}  // namespace pgshift::runner
