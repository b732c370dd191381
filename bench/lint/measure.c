// Runs one command and prints "wall_s peak_rss_kib cpu_s" for that process alone.
//
//   pgshift_bench_measure CWD STDERR_FILE PROGRAM [ARG...]
//
// Wall time from a monotonic clock, to the microsecond (GNU time prints hundredths of a second,
// a seventh of a 70 ms run); CPU time (user + system) and peak RSS from the child's rusage
// (wait4). C, and small: a child's peak RSS counts the memory of the process that started it
// until its exec, so a Python or shell wrapper would put its own into every figure. Standard
// output goes to /dev/null. Exits with the command's exit status (128 + signal when killed).
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s CWD STDERR_FILE PROGRAM [ARG...]\n", argv[0]);
    return 2;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addchdir_np(&actions, argv[1]);
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  pid_t pid;
  const int error = posix_spawnp(&pid, argv[3], &actions, NULL, argv + 3, environ);
  if (error != 0) {
    fprintf(stderr, "cannot run %s: %s\n", argv[3], strerror(error));
    return 127;
  }
  int status = 0;
  struct rusage usage;
  while (wait4(pid, &status, 0, &usage) < 0) {
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  const double wall = (double)(end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
  const double cpu = (double)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  printf("%.4f %ld %.3f\n", wall, usage.ru_maxrss, cpu);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}
