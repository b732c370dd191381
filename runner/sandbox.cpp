#include "runner/sandbox.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "runner/database.h"

namespace pgshift::runner {

std::variant<SandboxInfo, SandboxError> StartSandbox(const SandboxOptions& options) {
  std::variant<SandboxInfo, SandboxError> started =
      options.engine == "local" ? StartLocalSandbox(options) : StartContainerSandbox(options);
  auto* info = std::get_if<SandboxInfo>(&started);
  if (info == nullptr || options.seed_file.empty()) return started;
  if (auto error = SeedSandbox(info->url, options.seed_file)) {
    StopSandbox(*info);
    return *error;
  }
  return started;
}

std::optional<SandboxError> StopSandbox(const SandboxInfo& info) {
  return info.engine == "local" ? StopLocalSandbox(info) : StopContainerSandbox(info);
}

std::optional<SandboxError> WaitUntilReady(const std::string& url, int timeout_seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    auto connected = Connect(url, "pgshift-sandbox");
    if (auto* db = std::get_if<std::unique_ptr<Database>>(&connected)) {
      const auto answer = (*db)->Exec("SELECT 1");
      if (ErrorOf(answer) == nullptr) return std::nullopt;
      last = ErrorOf(answer)->message;
    } else {
      last = std::get<DbError>(connected).message;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return SandboxError{"the server at " + RedactUrl(url) + " was not ready after " +
                      std::to_string(timeout_seconds) + " s: " + last};
}

std::optional<SandboxError> SeedSandbox(const std::string& url, const std::string& seed_file) {
  std::ifstream in(seed_file, std::ios::binary);
  if (!in) return SandboxError{seed_file + ": cannot read the seed file"};
  std::ostringstream text;
  text << in.rdbuf();
  auto connected = Connect(url, "pgshift-sandbox");
  if (const DbError* error = ErrorOf(connected)) return SandboxError{"seed: " + error->message};
  auto& db = std::get<std::unique_ptr<Database>>(connected);
  const auto seeded = db->Exec(text.str());
  if (const DbError* error = ErrorOf(seeded)) {
    return SandboxError{seed_file + ": " + error->message};
  }
  return std::nullopt;
}

int FreeLocalPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  int port = 0;
  socklen_t length = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

}  // namespace pgshift::runner
