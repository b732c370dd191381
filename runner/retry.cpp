#include "runner/retry.h"

#include <algorithm>
#include <random>

namespace pgshift::runner {

Millis Backoff(int attempt, Millis base, double unit_random) {
  const double capped =
      std::min(30000.0, base.count() * static_cast<double>(1ll << std::min(attempt, 20)));
  return Millis(static_cast<long long>(capped * (0.5 + unit_random)));
}

Millis Backoff(int attempt, Millis base) {
  static thread_local std::mt19937_64 engine{std::random_device{}()};
  return Backoff(attempt, base, std::uniform_real_distribution<double>(0.0, 1.0)(engine));
}

std::vector<std::string> DescribeBlockers(Database& db, const std::vector<std::string>& tables) {
  std::string names;
  for (const std::string& table : tables) {
    names += (names.empty() ? "" : ", ") + db.QuoteLiteral(QuoteQualified(db, table));
  }
  if (names.empty()) return {};
  const auto result = db.Exec(
      "SELECT a.pid, coalesce(a.state, '?'), "
      "  coalesce(extract(epoch FROM now() - coalesce(a.xact_start, a.query_start))::bigint, 0), "
      "  string_agg(DISTINCT l.mode || ' on ' || l.relation::regclass::text, ', '), "
      "  left(regexp_replace(coalesce(a.query, ''), '\\s+', ' ', 'g'), 200), "
      "  coalesce(a.application_name, '') "
      "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.granted AND l.locktype = 'relation' AND l.pid <> pg_backend_pid() "
      "  AND l.relation IN (SELECT to_regclass(n) FROM unnest(ARRAY[" +
      names +
      "]) AS n) "
      "GROUP BY a.pid, a.state, a.xact_start, a.query_start, a.query, a.application_name "
      "ORDER BY 3 DESC");
  std::vector<std::string> blockers;
  if (ErrorOf(result) != nullptr) return blockers;
  for (const Row& row : std::get<Rows>(result).rows) {
    std::string text = "pid " + row[0].value_or("?") + " (" + row[1].value_or("?") + " for " +
                       row[2].value_or("0") + " s, holding " + row[3].value_or("?");
    if (!row[5].value_or("").empty()) text += ", application " + *row[5];
    text += "): " + row[4].value_or("");
    blockers.push_back(std::move(text));
  }
  return blockers;
}

}  // namespace pgshift::runner
