// The Database interface over libpqxx: the only file that includes it, so its exceptions stop here.
#include <pqxx/pqxx>

#include "runner/database.h"

namespace pgshift::runner {
namespace {

bool LostConnectionState(const std::string& sqlstate) {
  // Class 08 (connection exception), and the server shutting down or crashing under us.
  return sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

std::string Trimmed(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

class PqDatabase final : public Database {
 public:
  explicit PqDatabase(const std::string& url) : connection_(url), work_(connection_) {}

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
      return DbError{e.sqlstate(), Trimmed(e.what()), LostConnectionState(e.sqlstate())};
    } catch (const pqxx::broken_connection& e) {
      return DbError{"", Trimmed(e.what()), true};
    } catch (const pqxx::in_doubt_error& e) {
      return DbError{"", Trimmed(e.what()), true};
    } catch (const std::exception& e) {
      return DbError{"", Trimmed(e.what()), !connection_.is_open()};
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

 private:
  pqxx::connection connection_;
  pqxx::nontransaction work_;  // the runner sends BEGIN and COMMIT itself
};

}  // namespace

std::string Rows::Scalar() const {
  if (rows.empty() || rows[0].empty() || !rows[0][0]) return "";
  return *rows[0][0];
}

DbResult<std::unique_ptr<Database>> Connect(const std::string& url,
                                            const std::string& application_name) {
  try {
    auto db = std::make_unique<PqDatabase>(url);
    const auto set = db->Exec("SET client_min_messages = error; SET application_name = " +
                              db->QuoteLiteral(application_name));
    if (const DbError* error = ErrorOf(set)) return *error;
    return std::unique_ptr<Database>(std::move(db));
  } catch (const pqxx::broken_connection& e) {
    return DbError{"", Trimmed(e.what()), true};
  } catch (const std::exception& e) {
    return DbError{"", Trimmed(e.what()), true};
  }
}

}  // namespace pgshift::runner
