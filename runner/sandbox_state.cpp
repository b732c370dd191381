#include "runner/sandbox_state.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "runner/state_dir.h"

namespace pgshift::runner {
namespace {

std::filesystem::path StatePath(const std::string& name) {
  return StateDirectory() / "sandboxes" / (name + ".json");
}

}  // namespace

bool ValidSandboxName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

std::optional<SandboxError> SaveSandboxState(const std::string& name, const SandboxInfo& info) {
  if (!ValidSandboxName(name)) return SandboxError{"sandbox names use letters, digits, - and _"};
  const nlohmann::json state = {{"engine", info.engine},      {"url", info.url},
                                {"port", info.port},          {"directory", info.directory},
                                {"bin_dir", info.bin_dir},    {"user", info.user},
                                {"container", info.container}};
  const std::filesystem::path path = StatePath(name);
  std::error_code error;
  std::filesystem::create_directories(path.parent_path(), error);
  std::ofstream out(path);
  out << state.dump(2) << '\n';
  if (!out) return SandboxError{"cannot write " + path.string()};
  return std::nullopt;
}

std::variant<SandboxInfo, SandboxError> LoadSandboxState(const std::string& name) {
  if (!ValidSandboxName(name)) return SandboxError{"sandbox names use letters, digits, - and _"};
  const std::filesystem::path path = StatePath(name);
  std::ifstream in(path);
  if (!in) {
    return SandboxError{"no sandbox `" + name +
                        "` is running (start one with `pgshift sandbox start" +
                        (name == "default" ? std::string() : " --name " + name) + "`)"};
  }
  try {
    const nlohmann::json state = nlohmann::json::parse(in);
    SandboxInfo info;
    info.engine = state.at("engine").get<std::string>();
    info.url = state.at("url").get<std::string>();
    info.port = state.at("port").get<int>();
    info.directory = state.at("directory").get<std::string>();
    info.bin_dir = state.at("bin_dir").get<std::string>();
    info.user = state.at("user").get<std::string>();
    info.container = state.at("container").get<std::string>();
    return info;
  } catch (const std::exception& e) {
    return SandboxError{path.string() + ": unreadable sandbox state (" + e.what() + ")"};
  }
}

void ForgetSandboxState(const std::string& name) {
  if (!ValidSandboxName(name)) return;
  std::error_code ignored;
  std::filesystem::remove(StatePath(name), ignored);
}

}  // namespace pgshift::runner
