#include "cli/lint_inputs.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace pgshift::cli {

InputsResult CollectInputs(const std::vector<std::string>& paths, const std::string& stdin_name) {
  namespace fs = std::filesystem;
  InputsResult result;
  for (const std::string& arg : paths) {
    if (arg == "-") {
      result.inputs.push_back({stdin_name.empty() ? fs::path("<stdin>") : fs::path(stdin_name), true});
      continue;
    }
    std::error_code error;
    const fs::file_status status = fs::status(arg, error);
    if (error || !fs::exists(status)) {
      result.errors.push_back(arg + ": no such file or directory");
      continue;
    }
    if (!fs::is_directory(status)) {
      result.inputs.push_back({fs::path(arg), false});
      continue;
    }
    std::vector<fs::path> found;
    fs::recursive_directory_iterator it(arg, fs::directory_options::skip_permission_denied, error);
    for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
      const fs::path& path = it->path();
      if (it->is_directory() && path.filename().string().starts_with(".")) {
        it.disable_recursion_pending();  // .git and friends
        continue;
      }
      if (it->is_regular_file() && path.extension() == ".sql") found.push_back(path);
    }
    if (error) result.errors.push_back(arg + ": " + error.message());
    std::sort(found.begin(), found.end());
    for (fs::path& path : found) result.inputs.push_back({std::move(path), false});
  }
  return result;
}

bool ReadInput(const LintInput& input, std::string& contents, std::string& error) {
  if (input.from_stdin) {
    contents.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return true;
  }
  std::ifstream in(input.path, std::ios::binary);
  if (!in) {
    error = input.path.string() + ": cannot read: " + std::strerror(errno);
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    error = input.path.string() + ": read error";
    return false;
  }
  contents = std::move(text).str();
  return true;
}

}  // namespace pgshift::cli
