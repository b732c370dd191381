// The one way pgshift runs a program, against real programs (sh, cat, head, id).
#include "runner/process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

namespace pgshift::runner {
namespace {

namespace fs = std::filesystem;

TEST(RunProcess, CapturesBothOutputsAndTheExitCode) {
  const ProcessResult r = RunProcess({"sh", "-c", "printf out; printf err >&2; exit 3"});
  EXPECT_TRUE(r.started) << r.error;
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.out, "out");
  EXPECT_EQ(r.err, "err");
}

TEST(RunProcess, FeedsStandardInputWhileDrainingBothOutputs) {
  // Far more than a pipe holds, in and out at once: a runner that wrote everything before
  // reading would wait forever on a child that waits for it.
  std::string input(1 << 20, 'x');
  for (std::size_t i = 0; i < input.size(); i += 997) input[i] = static_cast<char>('a' + i % 26);
  const ProcessResult echoed = RunProcess({"sh", "-c", "tee /dev/stderr"}, {.stdin_data = input});
  EXPECT_EQ(echoed.exit_code, 0) << echoed.error;
  EXPECT_EQ(echoed.out, input);
  EXPECT_EQ(echoed.err, input);
  // Without stdin_data the program reads an empty standard input, not ours.
  EXPECT_EQ(RunProcess({"wc", "-c"}).out, "0\n");
}

TEST(RunProcess, AProgramThatStopsReadingDoesNotKillTheCaller) {
  sigset_t before;
  pthread_sigmask(SIG_SETMASK, nullptr, &before);
  const ProcessResult r =
      RunProcess({"head", "-c", "5"}, {.stdin_data = std::string(4 << 20, 'y')});
  EXPECT_EQ(r.exit_code, 0) << r.error;
  EXPECT_EQ(r.out, "yyyyy");
  // The signal mask is as it was, and no SIGPIPE is left pending for this thread.
  sigset_t after, pending;
  pthread_sigmask(SIG_SETMASK, nullptr, &after);
  EXPECT_EQ(sigismember(&after, SIGPIPE), sigismember(&before, SIGPIPE));
  sigpending(&pending);
  EXPECT_EQ(sigismember(&pending, SIGPIPE), 0);
}

TEST(RunProcess, EnvironmentAndDirectory) {
  const fs::path dir = fs::temp_directory_path() / ("pgshift-process-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const ProcessResult r =
      RunProcess({"sh", "-c", "printf '%s|%s' \"$PGSHIFT_PROCESS_TEST\" \"$(pwd -P)\""},
                 {.env = {{"PGSHIFT_PROCESS_TEST", "set here"}}, .cwd = dir.string()});
  EXPECT_EQ(r.out, "set here|" + fs::canonical(dir).string());
  // The program is looked up on the PATH it is given.
  const ProcessResult no_path = RunProcess({"sh", "-c", "true"}, {.env = {{"PATH", dir.string()}}});
  EXPECT_FALSE(no_path.started);
  fs::remove_all(dir);
}

TEST(RunProcess, SaysWhyAProgramDidNotStart) {
  const ProcessResult missing = RunProcess({"pgshift-no-such-program", "--version"});
  EXPECT_FALSE(missing.started);
  EXPECT_EQ(missing.exit_code, -1);
  EXPECT_EQ(missing.error, "cannot run pgshift-no-such-program: No such file or directory");

  const ProcessResult nowhere = RunProcess({"true"}, {.cwd = "/pgshift-no-such-directory"});
  EXPECT_FALSE(nowhere.started);
  EXPECT_EQ(nowhere.error,
            "cannot run true in /pgshift-no-such-directory: No such file or directory");

  const ProcessResult empty = RunProcess({});
  EXPECT_FALSE(empty.started);
  EXPECT_FALSE(empty.error.empty());
}

TEST(RunProcess, ReportsTheSignalThatEndedIt) {
  const ProcessResult r = RunProcess({"sh", "-c", "kill -TERM $$"});
  EXPECT_TRUE(r.started);
  EXPECT_EQ(r.exit_code, -1);
  EXPECT_EQ(r.signal, SIGTERM);
}

TEST(RunProcess, RunsAsAnotherUserOnlyWhenRoot) {
  const ProcessResult r =
      RunProcess({"sh", "-c", "printf '%s %s' \"$(id -u)\" \"$HOME\""}, {.as_user = "nobody"});
  ASSERT_TRUE(r.started) << r.error;
  if (geteuid() == 0) {
    EXPECT_EQ(r.out, "65534 /nonexistent");  // Debian's nobody
    const ProcessResult unknown = RunProcess({"true"}, {.as_user = "pgshift-no-such-user"});
    EXPECT_FALSE(unknown.started);
    EXPECT_EQ(unknown.error, "cannot run true as user pgshift-no-such-user: no such user");
  } else {
    EXPECT_EQ(r.out.substr(0, r.out.find(' ')), std::to_string(geteuid()));
  }
}

// Both ways of starting a program (posix_spawn, and fork and exec when PATH is set anew) give it
// SIGPIPE at its default though we ignore it, the directory asked for, and the same errors.
TEST(RunProcess, BothWaysOfStartingGiveTheSameChild) {
  const char* path = std::getenv("PATH");
  ASSERT_NE(path, nullptr);
  struct sigaction ignore {
  }, was{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &was);
  const fs::path file =
      fs::temp_directory_path() / ("pgshift-process-file-" + std::to_string(getpid()));
  { std::ofstream(file) << "not a directory"; }
  for (const bool fork_and_exec : {false, true}) {
    std::map<std::string, std::string> env;
    if (fork_and_exec) env["PATH"] = path;
    // SigIgn: the ignored signals, in hexadecimal; SIGPIPE (13) is bit 12.
    const ProcessResult r =
        RunProcess({"sh", "-c", "grep SigIgn /proc/self/status; pwd"}, {.env = env, .cwd = "/"});
    ASSERT_TRUE(r.started) << r.error;
    const std::string mask =
        r.out.substr(r.out.find(':') + 1, r.out.find('\n') - r.out.find(':') - 1);
    EXPECT_EQ(std::stoull(mask, nullptr, 16) & (1ull << (SIGPIPE - 1)), 0u) << fork_and_exec;
    EXPECT_EQ(r.out.substr(r.out.find('\n') + 1), "/\n") << fork_and_exec;

    const ProcessResult not_directory = RunProcess({"true"}, {.env = env, .cwd = file.string()});
    EXPECT_FALSE(not_directory.started);
    EXPECT_EQ(not_directory.error, "cannot run true in " + file.string() + ": Not a directory")
        << fork_and_exec;
    const ProcessResult missing = RunProcess({"pgshift-no-such-program"}, {.env = env});
    EXPECT_EQ(missing.error, "cannot run pgshift-no-such-program: No such file or directory")
        << fork_and_exec;
  }
  sigaction(SIGPIPE, &was, nullptr);
  fs::remove(file);
}

TEST(RunProcess, SeveralThreadsAtOnce) {
  std::vector<std::string> outs(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < outs.size(); ++i) {
    threads.emplace_back([&outs, i] {
      outs[i] = RunProcess({"cat"}, {.stdin_data = std::string(200000 + i, 'a' + i)}).out;
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (std::size_t i = 0; i < outs.size(); ++i) {
    EXPECT_EQ(outs[i], std::string(200000 + i, 'a' + i));
  }
}

TEST(CommandLine, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(CommandLine({"pg_ctl", "-D", "/tmp/x", "-o", "-p 5432 -k '/tmp/a b'", ""}),
            "pg_ctl -D /tmp/x -o '-p 5432 -k '\\''/tmp/a b'\\''' ''");
}

}  // namespace
}  // namespace pgshift::runner
