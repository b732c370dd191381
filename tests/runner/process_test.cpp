// The one way pgshift runs a program, against real programs (sh, cat, head, id).
#include "runner/process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
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
