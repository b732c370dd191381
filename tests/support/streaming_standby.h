// A real streaming standby of the shared test server (postgres_server.h): pg_basebackup -R into a
// fresh temporary directory owned by the server's user, started on its own port and socket, and
// stopped and removed by Stop (or the destructor).
#pragma once

#include <optional>
#include <string>

#include "runner/sandbox.h"

namespace pgshift::testing {

class StreamingStandby {
 public:
  // Starts a standby of `primary` and waits until it streams; the error when it cannot.
  std::optional<std::string> Start(const runner::SandboxInfo& primary);
  void Stop();
  ~StreamingStandby() { Stop(); }

  const std::string& url() const { return info_.url; }

 private:
  runner::SandboxInfo info_;
};

}  // namespace pgshift::testing
