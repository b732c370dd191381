#!/usr/bin/env node
// Runs the pgshift binary of this platform, which npm installed with the optional dependency
// @pgshift/<platform>-<arch> (npm installs only the one whose os, cpu and libc match), passing
// arguments, standard streams and the exit code through. Where there is none, it says so and
// how else to get pgshift, instead of failing with a loader error.
"use strict";
const { spawnSync } = require("child_process");

const platform = `${process.platform}-${process.arch}`;
const fail = (message) => {
  process.stderr.write(
    `pgshift: ${message}\n` +
      "pgshift has prebuilt binaries for linux-x64 (glibc 2.36 or later, with libpq 5).\n" +
      "Elsewhere, build it from source: https://github.com/pgshift/pgshift#building-by-hand\n");
  process.exit(2);
};

// musl systems such as Alpine report no glibc version; the binary needs glibc.
const report = process.platform === "linux" && process.report && process.report.getReport();
if (report && report.header && !report.header.glibcVersionRuntime) {
  fail(`no prebuilt binary for ${platform} without glibc (musl?)`);
}
let binary;
try {
  binary = require.resolve(`@pgshift/${platform}/pgshift`);
} catch (error) {
  fail(`no prebuilt binary for ${platform} (no package @pgshift/${platform} is installed)`);
}
const result = spawnSync(binary, process.argv.slice(2), { stdio: "inherit" });
if (result.error) fail(`cannot run ${binary}: ${result.error.message}`);
if (result.signal) process.kill(process.pid, result.signal);
process.exit(result.status === null ? 2 : result.status);
