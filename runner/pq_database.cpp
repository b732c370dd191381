// The Database interface over libpqxx: the only file that includes it, so its exceptions stop here.
#include <pqxx/pqxx>

#include "runner/database.h"
#include "runner/redact.h"

namespace pgshift::runner {
namespace {

bool LostConnectionState(const std::string& sqlstate) {
  // Class 08 (connection exception), and the server shutting down or crashing under us.
  return sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

// A connection lost under a statement: libpqxx may report it by what it tried next ("Could not
// obtain client encoding: not connected."), which tells an operator nothing.
std::string LostConnection(std::string message) {
  if (message.empty() || message.find("client encoding") != std::string::npos ||
      message.find("not connected") != std::string::npos) {
    return "the server closed the connection (it shut down or restarted, or ended this session)";
  }
  return message;
}

std::string Trimmed(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

class PqDatabase final : public Database {
 public:
  explicit PqDatabase(const std::string& url)
      : connection_(url), work_(connection_), redact_(url) {}

  DbResult<Rows> Exec(std::string_view sql) override {
    try {
      const pqxx::result result = work_.exec(std::string(sql));
      Rows rows;
      rows.affected = static_cast<long long>(result.affected_rows());
      rows.rows.reserve(result.size());
      for (const pqxx::row& r : result) {
        Row row;
        row.reserve(r.size());
        for (const pqxx::field& f : r) {
          if (f.is_null())
            row.emplace_back(std::nullopt);
          else
            row.emplace_back(std::string(f.c_str(), f.size()));
        }
        rows.rows.push_back(std::move(row));
      }
      return rows;
    } catch (const pqxx::sql_error& e) {
      return DbError{e.sqlstate(), Message(e), LostConnectionState(e.sqlstate())};
    } catch (const pqxx::broken_connection& e) {
      return DbError{"", LostConnection(Message(e)), true};
    } catch (const pqxx::in_doubt_error& e) {
      return DbError{"", LostConnection(Message(e)), true};
    } catch (const std::exception& e) {
      const bool lost = !connection_.is_open();
      return DbError{"", lost ? LostConnection(Message(e)) : Message(e), lost};
    }
  }

  std::string QuoteIdent(std::string_view name) override {
    return connection_.quote_name(std::string(name));
  }
  std::string QuoteLiteral(std::string_view value) override {
    return "'" + connection_.esc(std::string(value)) + "'";
  }
  int BackendPid() override { return connection_.backendpid(); }
  bool Connected() override { return connection_.is_open(); }
  void Cancel() override {
    try {
      connection_.cancel_query();
    } catch (const std::exception&) {
      // Nothing in flight, or the connection is gone: either way nothing is left to cancel.
    }
  }

 private:
  std::string Message(const std::exception& e) const { return redact_(Trimmed(e.what())); }

  pqxx::connection connection_;
  pqxx::nontransaction work_;  // the runner sends BEGIN and COMMIT itself
  Redactor redact_;            // a reconnect's message may carry the connection string
};

}  // namespace

std::string Rows::Scalar() const {
  if (rows.empty() || rows[0].empty() || !rows[0][0]) return "";
  return *rows[0][0];
}

DbResult<std::unique_ptr<Database>> Connect(const std::string& url,
                                            const std::string& application_name) {
  // libpq's messages about a connection string it cannot parse quote parts of it.
  auto failed = [&](const std::string& message) {
    return DbError{"", Redactor(url).ConnectionFailure(Trimmed(message)), true};
  };
  try {
    auto db = std::make_unique<PqDatabase>(url);
    const auto set = db->Exec("SET client_min_messages = error; SET application_name = " +
                              db->QuoteLiteral(application_name));
    if (const DbError* error = ErrorOf(set)) return failed(error->message);
    return std::unique_ptr<Database>(std::move(db));
  } catch (const std::exception& e) {
    return failed(e.what());
  }
}

}  // namespace pgshift::runner
