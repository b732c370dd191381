#include "tests/lock_model/lock_cases.h"

#include <fstream>
#include <regex>

namespace pgshift::testing {
namespace {

bool After(const std::string& line, const std::string& prefix, std::string& rest) {
  if (line.rfind(prefix, 0) != 0) return false;
  rest = line.substr(prefix.size());
  return true;
}

}  // namespace

LockCases ReadLockCases() {
  const std::string path = std::string(PGSHIFT_SOURCE_DIR) + "/tests/fixtures/lock_model/cases.sql";
  std::ifstream in(path);
  LockCases out;
  if (!in) {
    out.error = path + ": cannot read";
    return out;
  }
  static const std::regex kRun(R"(outside-transaction blocker=(\w+):([A-Z ]+))");
  LockCase* current = nullptr;
  int number = 0;
  for (std::string line, rest; std::getline(in, line);) {
    ++number;
    const std::string where = "cases.sql:" + std::to_string(number) + ": ";
    if (After(line, "-- case: ", rest)) {
      out.cases.push_back({rest, number});
      current = &out.cases.back();
    } else if (current == nullptr) {
      if (line.rfind("--", 0) != 0) out.base += line + "\n";
    } else if (After(line, "-- setup: ", rest)) {
      current->setup.push_back(rest);
    } else if (After(line, "-- session: ", rest)) {
      current->session.push_back(rest);
    } else if (After(line, "-- run: ", rest)) {
      std::smatch match;
      if (!std::regex_match(rest, match, kRun) && out.error.empty()) {
        out.error = where + "expected `-- run: outside-transaction blocker=TABLE:MODE`";
      }
      current->outside_transaction = true;
      current->blocker_table = match[1];
      current->blocker_mode = match[2];
    } else if (After(line, "-- expect: ", rest)) {
      if (rest == "none") continue;
      const auto space = rest.find(' ');
      if (space == std::string::npos && out.error.empty()) {
        out.error = where + "expected `-- expect: TABLE MODE WORK` or `-- expect: none`";
      }
      current->expected[rest.substr(0, space)] = rest.substr(space + 1);
    } else if (line.rfind("--", 0) == 0) {
      if (out.error.empty()) out.error = where + "unknown directive: " + line;
    } else if (!line.empty()) {
      current->statement += line + "\n";
    }
  }
  return out;
}

}  // namespace pgshift::testing
