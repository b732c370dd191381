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

// One relation's catalog state, whatever its kind: a table's columns (types, nullability,
// defaults, identity), constraints, indexes and triggers; a view's columns and definition; an
// index's definition; a sequence's parameters and owner. One that does not exist gives "absent".
std::string RelationQuery(Database& db, const std::string& relation) {
  const std::string name = db.QuoteLiteral(QuoteQualified(db, relation));
  return "WITH r AS (SELECT c.oid, c.relkind FROM (SELECT to_regclass(" + name +
         ") AS oid) o LEFT JOIN pg_class c ON c.oid = o.oid) "
         "SELECT 'column ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) "
         "  || CASE WHEN a.attnotnull THEN ' not null' ELSE ' null' END "
         "  || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') "
         "  || CASE WHEN a.attidentity <> '' THEN ' identity ' || a.attidentity::text ELSE '' END "
         "  || CASE WHEN a.attgenerated <> '' THEN ' generated' ELSE '' END "
         "FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = "
         "a.attnum "
         "WHERE a.attrelid = (SELECT oid FROM r) AND a.attnum > 0 AND NOT a.attisdropped "
         "  AND (SELECT relkind FROM r) IN ('r', 'p', 'v', 'm', 'f') "
         "UNION ALL SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) "
         "  || CASE WHEN convalidated THEN '' ELSE ' (not validated)' END "
         "FROM pg_constraint WHERE conrelid = (SELECT oid FROM r) "
         "UNION ALL SELECT 'index ' || pg_get_indexdef(i.indexrelid) "
         "  || CASE WHEN i.indisvalid THEN '' ELSE ' (INVALID)' END "
         "FROM pg_index i "
         "WHERE i.indrelid = (SELECT oid FROM r) OR i.indexrelid = (SELECT oid FROM r) "
         "UNION ALL SELECT 'trigger ' || pg_get_triggerdef(t.oid) || ' (enabled ' || "
         "t.tgenabled::text || ')' "
         "FROM pg_trigger t WHERE t.tgrelid = (SELECT oid FROM r) AND NOT t.tgisinternal "
         "UNION ALL SELECT 'view definition md5 ' || md5(pg_get_viewdef(oid)) "
         "FROM r WHERE relkind IN ('v', 'm') "
         "UNION ALL SELECT 'sequence ' || format_type(s.seqtypid, NULL) || ' start ' || s.seqstart "
         "  || ' increment ' || s.seqincrement || ' min ' || s.seqmin || ' max ' || s.seqmax "
         "  || ' cache ' || s.seqcache || CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END "
         "FROM pg_sequence s WHERE s.seqrelid = (SELECT oid FROM r) "
         // An index depends on its table's columns the same way: named for what it is.
         "UNION ALL SELECT CASE WHEN (SELECT relkind FROM r) = 'S' THEN 'sequence owned by ' "
         "  ELSE 'depends on column ' END || d.refobjid::regclass::text || '.' || a.attname "
         "FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = "
         "d.refobjsubid "
         "WHERE d.classid = 'pg_class'::regclass AND d.objid = (SELECT oid FROM r) "
         "  AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
         "UNION ALL SELECT 'absent' WHERE (SELECT oid FROM r) IS NULL";
}

// Where a possibly qualified name (in the written form of runner/database.h) is looked for: its
// schema, or the search path.
std::string InSchema(Database& db, const std::string& name, const std::string& namespace_column,
                     const std::string& visible) {
  const std::vector<std::string> parts = NameParts(name);
  if (parts.size() < 2) return visible;
  return namespace_column + " = (SELECT oid FROM pg_namespace WHERE nspname = " +
         db.QuoteLiteral(parts[parts.size() - 2]) + ")";
}

std::string BareName(const std::string& name) { return NameParts(name).back(); }

// Every overload of a function or procedure name: its signature and a hash of its definition.
std::string FunctionQuery(Database& db, const std::string& function) {
  const std::string where =
      "p.proname = " + db.QuoteLiteral(BareName(function)) + " AND " +
      InSchema(db, function, "p.pronamespace", "pg_function_is_visible(p.oid)");
  const std::string line =
      "'function ' || p.oid::regprocedure::text || ' definition md5 ' || "
      "md5(CASE WHEN p.prokind = 'a' THEN 'aggregate' ELSE pg_get_functiondef(p.oid) END)";
  return "SELECT " + line + " FROM pg_proc p WHERE " + where +
         " UNION ALL SELECT 'no function' WHERE NOT EXISTS (SELECT FROM pg_proc p WHERE " + where +
         ")";
}

// A type: an enum's labels in order, a domain's base type, default and constraints, a composite
// type's attributes, a range's subtype.
std::string TypeQuery(Database& db, const std::string& type) {
  return "WITH t AS (SELECT * FROM pg_type t WHERE t.typname = " + db.QuoteLiteral(BareName(type)) +
         " AND " + InSchema(db, type, "t.typnamespace", "pg_type_is_visible(t.oid)") +
         ") "
         "SELECT 'type ' || CASE typtype WHEN 'e' THEN 'enum' WHEN 'c' THEN 'composite' "
         "  WHEN 'r' THEN 'range' WHEN 'd' THEN 'domain over ' || format_type(typbasetype, "
         "typtypmod) || CASE WHEN typnotnull THEN ' not null' ELSE '' END "
         "  || coalesce(' default ' || typdefault, '') ELSE typtype::text END FROM t "
         "UNION ALL SELECT 'type labels ' || string_agg(quote_literal(e.enumlabel), ', ' "
         "  ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = (SELECT oid FROM t) "
         "  HAVING count(*) > 0 "
         "UNION ALL SELECT 'type constraint ' || conname || ' ' || pg_get_constraintdef(oid) "
         "FROM pg_constraint WHERE contypid = (SELECT oid FROM t) "
         "UNION ALL SELECT 'type attribute ' || a.attname || ' ' || format_type(a.atttypid, "
         "a.atttypmod) FROM pg_attribute a "
         "WHERE a.attrelid = (SELECT typrelid FROM t) AND a.attnum > 0 AND NOT a.attisdropped "
         "UNION ALL SELECT 'type range of ' || format_type(rngsubtype, NULL) FROM pg_range "
         "WHERE rngtypid = (SELECT oid FROM t) "
         "UNION ALL SELECT 'no type' WHERE NOT EXISTS (SELECT 1 FROM t)";
}

}  // namespace

std::string Fingerprint::Detail() const {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

DbResult<Fingerprint> TakeFingerprint(Database& db, const CatalogObjects& objects) {
  Fingerprint fingerprint;
  auto take = [&](const std::string& name, const std::string& query) -> std::optional<DbError> {
    auto result = db.Exec(query);
    if (const DbError* error = ErrorOf(result)) return *error;
    for (const Row& row : std::get<Rows>(result).rows) {
      fingerprint.lines.push_back(name + ": " + row[0].value_or(""));
    }
    return std::nullopt;
  };
  for (const std::string& relation : objects.Relations()) {
    if (auto error = take(relation, RelationQuery(db, relation))) return *error;
  }
  for (const std::string& function : objects.functions) {
    if (auto error = take(function, FunctionQuery(db, function))) return *error;
  }
  for (const std::string& type : objects.types) {
    if (auto error = take(type, TypeQuery(db, type))) return *error;
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
