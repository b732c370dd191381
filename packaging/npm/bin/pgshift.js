#!/usr/bin/env node
// Runs the pgshift binary shipped in this package for this platform (native/<platform>-<arch>),
// passing arguments, standard streams and the exit code through. On a platform without a binary
// it says so and how else to get pgshift, instead of failing with a loader error.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const platform = `${process.platform}-${process.arch}`;
const binary = path.join(__dirname, "..", "native", platform, "pgshift");
const fail = (message) => {
  process.stderr.write(
    `pgshift: ${message}\n` +
      "pgshift ships a prebuilt binary for linux-x64 (glibc 2.36 or later, with libpq 5).\n" +
      "Elsewhere, build it from source: https://github.com/pgshift/pgshift#building-by-hand\n");
  process.exit(2);
};

if (!fs.existsSync(binary)) fail(`no prebuilt binary for ${platform}`);
// The binary links glibc; musl systems such as Alpine report no glibc version.
const report = process.report && process.report.getReport();
if (report && report.header && !report.header.glibcVersionRuntime) {
  fail(`${platform} without glibc (musl?) cannot run the prebuilt binary`);
}
const result = spawnSync(binary, process.argv.slice(2), { stdio: "inherit" });
if (result.error) fail(`cannot run ${binary}: ${result.error.message}`);
if (result.signal) process.kill(process.pid, result.signal);
process.exit(result.status === null ? 2 : result.status);
