#include "runner/backfill_key.h"

#include <algorithm>

namespace pgshift::runner {

std::variant<std::vector<KeyColumn>, std::string> BackfillKey(
    Database& db, const std::string& table, const std::vector<std::string>& named) {
  const std::string relation = "to_regclass(" + db.QuoteLiteral(QuoteQualified(db, table)) + ")";
  auto exists = db.Exec("SELECT " + relation + " IS NOT NULL");
  if (const DbError* error = ErrorOf(exists))
    return "cannot look up table " + table + ": " + error->message;
  if (std::get<Rows>(exists).Scalar() != "t") return "table " + table + " does not exist";
  std::vector<KeyColumn> key;
  if (named.empty()) {
    auto primary = db.Exec(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) "
        "FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
        "WHERE i.indrelid = " +
        relation + " AND i.indisprimary ORDER BY k.ord");
    if (const DbError* error = ErrorOf(primary))
      return "cannot read the primary key of " + table + ": " + error->message;
    for (const Row& row : std::get<Rows>(primary).rows) key.push_back({*row[0], *row[1]});
    if (key.empty()) {
      return "table " + table +
             " has no primary key, and a keyset backfill needs a unique, ordered "
             "key to resume exactly and never update a row twice; add a primary key, or name "
             "unique "
             "NOT NULL columns with `key = [\"...\"]` in the backfill";
    }
    return key;
  }
  for (const std::string& column : named) {
    auto found = db.Exec(
        "SELECT format_type(atttypid, atttypmod), attnotnull FROM pg_attribute "
        "WHERE attrelid = " +
        relation + " AND attnum > 0 AND NOT attisdropped AND attname = " + db.QuoteLiteral(column));
    if (const DbError* error = ErrorOf(found))
      return "cannot read the columns of " + table + ": " + error->message;
    const Rows& rows = std::get<Rows>(found);
    if (rows.empty()) return "backfill key column " + column + " is not a column of " + table;
    if (rows.rows[0][1].value_or("") != "t") {
      return "backfill key column " + table + "." + column +
             " allows NULL, so it cannot order a keyset";
    }
    key.push_back({column, *rows.rows[0][0]});
  }
  std::vector<std::string> sorted = named;
  std::sort(sorted.begin(), sorted.end());
  std::string wanted;
  for (const std::string& column : sorted) wanted += (wanted.empty() ? "" : ",") + column;
  auto unique =
      db.Exec("SELECT 1 FROM pg_index i WHERE i.indrelid = " + relation +
              " AND i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL "
              "AND (SELECT string_agg(a.attname, ',' ORDER BY a.attname) FROM pg_attribute a "
              "     WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)) = " +
              db.QuoteLiteral(wanted));
  if (const DbError* error = ErrorOf(unique))
    return "cannot read the indexes of " + table + ": " + error->message;
  if (std::get<Rows>(unique).empty()) {
    return "backfill key (" + wanted + ") of " + table +
           " is not covered by a valid unique index, so "
           "rows could be skipped or updated twice";
  }
  return key;
}

}  // namespace pgshift::runner
