// The process exit codes, one enum: CI gates and scripts depend on them.
#pragma once

namespace pgshift::cli {

enum class ExitCode : int {
  kClean = 0,       // nothing at or above --fail-on
  kFindings = 1,    // findings at or above --fail-on (default: error); for `trace`, a statement
                    // the server ran differently from the lock model's prediction; for
                    // `status`, a stage has failed
  kUsage = 2,       // bad command line or configuration
  kUnreadable = 3,  // an input could not be read as SQL text, or the runner failed (for
                    // `trace`: no server, or a statement failed)
  kInterrupted = 130,  // `run` stopped by SIGINT (128 + 2): the stage is recorded as interrupted
  kTerminated = 143,   // `run` stopped by SIGTERM (128 + 15)
};

inline int ToInt(ExitCode code) { return static_cast<int>(code); }

}  // namespace pgshift::cli
