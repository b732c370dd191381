#include "tests/examples/workload.h"

#include <libpq-fe.h>

namespace pgshift::testing {
namespace {

constexpr std::size_t kKeptErrors = 20;
// A short pause per iteration keeps the load steady without taking a shared core to itself.
constexpr auto kPause = std::chrono::milliseconds(2);

std::string Trim(const std::string& sql) {
  std::string out;
  for (char c : sql) {
    if (c == '\n' || c == ' ') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  return out.size() > 90 ? out.substr(0, 87) + "..." : out;
}

}  // namespace

Workload::Workload(std::string url, AppRelease release, std::atomic<long>& counter)
    : url_(std::move(url)), release_(std::move(release)), counter_(counter) {}

Workload::~Workload() { Stop(); }

void Workload::Start() {
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void Workload::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

bool Workload::WaitForIterations(long more, std::chrono::seconds timeout) const {
  const long target = iterations_.load() + more;
  for (auto end = std::chrono::steady_clock::now() + timeout;
       std::chrono::steady_clock::now() < end;) {
    if (iterations_.load() >= target) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

std::vector<std::string> Workload::Errors() const {
  std::lock_guard lock(mutex_);
  return errors_;
}

std::vector<LatencySample> Workload::Samples() const {
  std::lock_guard lock(mutex_);
  return samples_;
}

void Workload::Fail(long n, const std::string& sql, const std::string& message) {
  ++error_count_;
  std::lock_guard lock(mutex_);
  if (errors_.size() < kKeptErrors) {
    errors_.push_back(release_.name + " release, iteration " + std::to_string(n) + ": `" +
                      Trim(sql) + "`: " + message);
  }
}

void Workload::Loop() {
  PGconn* conn = PQconnectdb(url_.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    Fail(0, "(connect)", PQerrorMessage(conn));
    PQfinish(conn);
    return;
  }
  const std::string application = "example app " + release_.name;
  PQclear(PQexec(conn, ("SET application_name = '" + application + "'").c_str()));
  while (!stop_) {
    const long n = ++counter_;
    const std::string number = std::to_string(n);
    const char* values[] = {number.c_str()};
    for (const auto* list : {&release_.write, &release_.read}) {
      for (const std::string& sql : *list) {
        // Statements that do not use $1 get no parameter: PostgreSQL cannot type an unused one.
        const int params = sql.find("$1") != std::string::npos ? 1 : 0;
        const auto start = std::chrono::steady_clock::now();
        PGresult* result =
            PQexecParams(conn, sql.c_str(), params, nullptr, values, nullptr, nullptr, 0);
        const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::steady_clock::now() - start);
        const ExecStatusType status = PQresultStatus(result);
        bool ok = true;
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
          ok = false;
          Fail(n, sql, PQresultErrorMessage(result));
        } else if (list == &release_.read && PQntuples(result) == 0) {
          ok = false;
          Fail(n, sql, "returned no row");
        }
        {
          std::lock_guard lock(mutex_);
          samples_.push_back({start, latency, ok});
        }
        PQclear(result);
        if (PQstatus(conn) != CONNECTION_OK) {
          Fail(n, sql, "lost the connection: " + std::string(PQerrorMessage(conn)));
          PQfinish(conn);
          return;
        }
      }
    }
    ++iterations_;  // counted with or without errors: progress, not success
    std::this_thread::sleep_for(kPause);
  }
  PQfinish(conn);
}

}  // namespace pgshift::testing
