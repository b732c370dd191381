#include "runner/command.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace pgshift::runner {
namespace {

// In the child: become `user` (all of uid, gid and supplementary groups). False on failure.
bool BecomeUser(const std::string& user) {
  const passwd* entry = getpwnam(user.c_str());
  if (entry == nullptr) return false;
  if (initgroups(entry->pw_name, entry->pw_gid) != 0) return false;
  if (setgid(entry->pw_gid) != 0 || setuid(entry->pw_uid) != 0) return false;
  setenv("HOME", entry->pw_dir, 1);
  setenv("USER", entry->pw_name, 1);
  return true;
}

}  // namespace

CommandResult RunCommand(const std::vector<std::string>& argv, const CommandOptions& options) {
  CommandResult result;
  int out[2], err[2];
  if (argv.empty() || pipe(out) != 0) return result;
  if (pipe(err) != 0) {
    close(out[0]);
    close(out[1]);
    return result;
  }
  const pid_t pid = fork();
  if (pid < 0) return result;
  if (pid == 0) {
    const int null_in = open("/dev/null", O_RDONLY);
    dup2(null_in, 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    for (int fd : {null_in, out[0], out[1], err[0], err[1]}) close(fd);
    if (options.as_user && geteuid() == 0 && !BecomeUser(*options.as_user)) {
      dprintf(2, "cannot switch to user %s\n", options.as_user->c_str());
      _exit(126);
    }
    if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) _exit(126);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    dprintf(2, "cannot run %s\n", args[0]);
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  bool out_open = true, err_open = true;
  char buffer[16384];
  while (out_open || err_open) {
    pollfd fds[2] = {{out_open ? out[0] : -1, POLLIN, 0}, {err_open ? err[0] : -1, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents) {
      const ssize_t n = read(out[0], buffer, sizeof buffer);
      if (n <= 0)
        out_open = false;
      else
        result.out.append(buffer, n);
    }
    if (fds[1].revents) {
      const ssize_t n = read(err[0], buffer, sizeof buffer);
      if (n <= 0)
        err_open = false;
      else
        result.err.append(buffer, n);
    }
  }
  close(out[0]);
  close(err[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.started = !(WIFEXITED(status) && WEXITSTATUS(status) == 127);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
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
