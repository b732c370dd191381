#include "runner/fingerprint.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

namespace pgshift::runner {
namespace {

std::string Hash(const std::vector<std::string>& lines) {
  std::uint64_t hash = 1469598103934665603ull;
  for (const std::string& line : lines) {
    for (unsigned char c : line) hash = (hash ^ c) * 1099511628211ull;
    hash = (hash ^ '\n') * 1099511628211ull;
  }
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(hash));
  return buffer;
}

// One table's catalog state; a table that does not exist gives the single line "absent".
std::string TableQuery(Database& db, const std::string& table) {
  const std::string name = db.QuoteLiteral(QuoteQualified(db, table));
  return "WITH r AS (SELECT to_regclass(" + name +
         ") AS oid) "
         "SELECT 'column ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) "
         "  || CASE WHEN a.attnotnull THEN ' not null' ELSE ' null' END "
         "  || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') "
         "  || CASE WHEN a.attidentity <> '' THEN ' identity ' || a.attidentity::text ELSE '' END "
         "  || CASE WHEN a.attgenerated <> '' THEN ' generated' ELSE '' END "
         "FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = "
         "a.attnum "
         "WHERE a.attrelid = (SELECT oid FROM r) AND a.attnum > 0 AND NOT a.attisdropped "
         "UNION ALL SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) "
         "  || CASE WHEN convalidated THEN '' ELSE ' (not validated)' END "
         "FROM pg_constraint WHERE conrelid = (SELECT oid FROM r) "
         "UNION ALL SELECT 'index ' || pg_get_indexdef(i.indexrelid) "
         "  || CASE WHEN i.indisvalid THEN '' ELSE ' (INVALID)' END "
         "FROM pg_index i WHERE i.indrelid = (SELECT oid FROM r) "
         "UNION ALL SELECT 'trigger ' || pg_get_triggerdef(t.oid) || ' (enabled ' || "
         "t.tgenabled::text || ')' "
         "FROM pg_trigger t WHERE t.tgrelid = (SELECT oid FROM r) AND NOT t.tgisinternal "
         "UNION ALL SELECT 'absent' WHERE (SELECT oid FROM r) IS NULL";
}

}  // namespace

std::string Fingerprint::Detail() const {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

DbResult<Fingerprint> TakeFingerprint(Database& db, const CatalogObjects& objects) {
  Fingerprint fingerprint;
  for (const std::string& table : objects.Relations()) {
    auto result = db.Exec(TableQuery(db, table));
    if (const DbError* error = ErrorOf(result)) return *error;
    for (const Row& row : std::get<Rows>(result).rows) {
      fingerprint.lines.push_back(table + ": " + row[0].value_or(""));
    }
  }
  std::sort(fingerprint.lines.begin(), fingerprint.lines.end());
  fingerprint.hash = Hash(fingerprint.lines);
  return fingerprint;
}

Fingerprint FingerprintFromDetail(const std::string& detail) {
  Fingerprint fingerprint;
  std::istringstream lines(detail);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) fingerprint.lines.push_back(line);
  }
  std::sort(fingerprint.lines.begin(), fingerprint.lines.end());
  fingerprint.hash = Hash(fingerprint.lines);
  return fingerprint;
}

std::vector<std::string> FingerprintDiff(const Fingerprint& checkpoint, const Fingerprint& now) {
  const std::set<std::string> before(checkpoint.lines.begin(), checkpoint.lines.end());
  const std::set<std::string> after(now.lines.begin(), now.lines.end());
  std::vector<std::string> diff;
  for (const std::string& line : before) {
    if (!after.count(line)) diff.push_back("- " + line);
  }
  for (const std::string& line : after) {
    if (!before.count(line)) diff.push_back("+ " + line);
  }
  return diff;
}

}  // namespace pgshift::runner
