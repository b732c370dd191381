#include "cli/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace pgshift::cli {
namespace {

void CloseAll(std::initializer_list<int> fds) {
  for (int fd : fds) {
    if (fd >= 0) close(fd);
  }
}

}  // namespace

SubprocessResult RunSubprocess(const std::vector<std::string>& argv,
                               const SubprocessOptions& options) {
  SubprocessResult result;
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1}, exec_failed[2] = {-1, -1};
  if (argv.empty() || pipe(in) != 0 || pipe(out) != 0 || pipe(err) != 0 ||
      pipe2(exec_failed, O_CLOEXEC) != 0) {
    CloseAll({in[0], in[1], out[0], out[1], err[0], err[1], exec_failed[0], exec_failed[1]});
    return result;
  }
  const pid_t pid = fork();
  if (pid < 0) {
    CloseAll({in[0], in[1], out[0], out[1], err[0], err[1], exec_failed[0], exec_failed[1]});
    return result;
  }
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    CloseAll({in[0], in[1], out[0], out[1], err[0], err[1], exec_failed[0]});
    for (const auto& [key, value] : options.env) setenv(key.c_str(), value.c_str(), 1);
    if (options.cwd.empty() || chdir(options.cwd.c_str()) == 0) {
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execvp(args[0], args.data());
    }
    // Tell the parent that nothing ran (the pipe closes on a successful exec).
    const char failed = 1;
    [[maybe_unused]] const ssize_t ignored = write(exec_failed[1], &failed, 1);
    _exit(127);
  }
  CloseAll({in[0], out[1], err[1], exec_failed[1]});
  // A reader that goes away must not kill us with SIGPIPE while we feed it.
  struct sigaction ignore_pipe {
  }, previous{};
  ignore_pipe.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore_pipe, &previous);

  std::size_t written = 0;
  int to_child = in[1];
  if (options.stdin_data.empty()) {
    close(to_child);
    to_child = -1;
  } else {
    fcntl(to_child, F_SETFL, O_NONBLOCK);
  }
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
      if (n <= 0)
        out_open = false;
      else
        result.out.append(buffer, n);
    }
    if (fds[1].revents != 0) {
      const ssize_t n = read(err[0], buffer, sizeof buffer);
      if (n <= 0)
        err_open = false;
      else
        result.err.append(buffer, n);
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
  sigaction(SIGPIPE, &previous, nullptr);

  char failed = 0;
  const bool exec_failed_signal = read(exec_failed[0], &failed, 1) == 1;
  close(exec_failed[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.started = !exec_failed_signal;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

}  // namespace pgshift::cli
