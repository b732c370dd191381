// The runner's only view of PostgreSQL: a session that runs SQL text and returns rows of text.
// Expected failures (a lock timeout, a lost connection, a constraint violation) are values.
// The one implementation (pq_database.cpp) is the only file that includes libpqxx.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace pgshift::runner {

struct DbError {
  std::string sqlstate;  // "55P03" for a lock timeout; empty when not from the server
  std::string message;
  bool connection_lost = false;

  bool LockTimeout() const { return sqlstate == "55P03"; }
  bool Deadlock() const { return sqlstate == "40P01"; }
  bool StatementTimeout() const { return sqlstate == "57014"; }
};

using Row = std::vector<std::optional<std::string>>;

struct Rows {
  std::vector<Row> rows;
  long long affected = 0;  // rows changed by the last statement, where it reports that

  bool empty() const { return rows.empty(); }
  // The first column of the first row, or empty.
  std::string Scalar() const;
};

template <class T>
using DbResult = std::variant<T, DbError>;

template <class T>
const DbError* ErrorOf(const DbResult<T>& result) {
  return std::get_if<DbError>(&result);
}

class Database {
 public:
  virtual ~Database() = default;
  // Runs one or more statements as the session stands (autocommit unless a BEGIN is open).
  // With several statements, the rows are those of the last one.
  virtual DbResult<Rows> Exec(std::string_view sql) = 0;
  // "users" → "users"; "Order" → "\"Order\"", escaped by libpq.
  virtual std::string QuoteIdent(std::string_view name) = 0;
  // A string literal, escaped by libpq: 'it''s'.
  virtual std::string QuoteLiteral(std::string_view value) = 0;
  virtual int BackendPid() = 0;
  virtual bool Connected() = 0;
};

// Runs SQL whose rows do not matter; the error, if any.
inline std::optional<DbError> ExecError(Database& db, std::string_view sql) {
  auto result = db.Exec(sql);
  if (const DbError* error = ErrorOf(result)) return *error;
  return std::nullopt;
}

// Connects to a PostgreSQL URL or key=value string. The session reports itself as
// `application_name` and only warnings reach the client.
DbResult<std::unique_ptr<Database>> Connect(const std::string& url,
                                            const std::string& application_name = "pgshift");

// The URL with any password replaced by ***, for messages and the journal.
std::string RedactUrl(std::string_view url);
// `text` (an error message about connecting to `url`) with the URL's password, as written or
// percent-decoded, replaced by ***: libpq quotes the parts of a URL it cannot read.
std::string RedactPassword(std::string_view text, std::string_view url);

// A qualified name quoted part by part: "app.users" → app.users, "My Table" → "My Table".
std::string QuoteQualified(Database& db, std::string_view name);

}  // namespace pgshift::runner
