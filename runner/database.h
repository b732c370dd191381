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
  // A cancel request or statement_timeout (the server gives both the same SQLSTATE).
  bool QueryCanceled() const { return sqlstate == "57014"; }
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
  // Asks the server to cancel the statement in flight, if any. Safe to call from another thread
  // while Exec runs; the statement then fails with SQLSTATE 57014.
  virtual void Cancel() = 0;
};

// Runs SQL whose rows do not matter; the error, if any.
inline std::optional<DbError> ExecError(Database& db, std::string_view sql) {
  auto result = db.Exec(sql);
  if (const DbError* error = ErrorOf(result)) return *error;
  return std::nullopt;
}

// Connects to a PostgreSQL URL or key=value string, which libpq reads as usual (PGPASSWORD,
// ~/.pgpass or PGPASSFILE, service files and the other PG* variables apply). The session reports
// itself as `application_name` and only warnings reach the client. A failure's message holds no
// password (runner/redact.h).
DbResult<std::unique_ptr<Database>> Connect(const std::string& url,
                                            const std::string& application_name = "pgshift");

// Names as plans, plan reviews and the ledger write them: parts joined by dots, each taken as
// written, case included (users, app.users, My Table); a part that holds a dot or a double quote
// is written in double quotes with each double quote doubled ("odd.name", app."say ""hi""").
std::vector<std::string> NameParts(std::string_view name);
// The written form of a relation name from a parse tree (schema may be empty).
std::string NameText(std::string_view schema, std::string_view name);

// A written name as SQL, each part quoted by the server's rules: app.users → "app"."users".
std::string QuoteQualified(Database& db, std::string_view name);
// The same without a connection: each part in double quotes.
std::string QuotedName(std::string_view name);

}  // namespace pgshift::runner
