#include "parser/plpgsql.h"

#include <pg_query.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "parser/plain_json.h"

namespace pgshift::parser {
namespace {

using Json = nlohmann::json;

// Collects the statements from libpg_query's JSON as it is read, without building a document:
// each PLpgSQL_stmt_execsql object's sqlstmt.PLpgSQL_expr.query and lineno, in the order printed
// (an IF's then-branch before its else-branch). Nothing inside such an object is searched further.
// A repeated key counts with its last value, as in a parsed document.
class StatementCollector : public nlohmann::json_sax<Json> {
 public:
  explicit StatementCollector(std::vector<PlpgsqlStatement>& out) : out_(out) {}

  bool null() override { return Scalar(); }
  bool boolean(bool) override { return Scalar(); }
  bool number_integer(number_integer_t value) override { return Integer(static_cast<int>(value)); }
  bool number_unsigned(number_unsigned_t value) override {
    return Integer(static_cast<int>(value));
  }
  bool number_float(number_float_t, const string_t&) override { return Scalar(); }
  bool binary(binary_t&) override { return Scalar(); }
  bool string(string_t& value) override {
    if (Current() == Role::kExpr && key_ == Key::kQuery) query_ = value;
    return Scalar();
  }

  bool start_object(std::size_t) override { return Open(true); }
  bool end_object() override {
    if (stack_.back() == Role::kExecsql && query_ && line_) {
      out_.push_back({std::move(*query_), *line_});
    }
    return Close();
  }
  bool start_array(std::size_t) override { return Open(false); }
  bool end_array() override { return Close(); }

  bool key(string_t& name) override {
    key_ = Key::kOther;
    switch (Current()) {
      case Role::kOther:
        if (name == "PLpgSQL_stmt_execsql") key_ = Key::kExecsql;
        break;
      case Role::kExecsql:
        if (name == "sqlstmt") {
          key_ = Key::kSqlstmt;
          query_.reset();
        } else if (name == "lineno") {
          key_ = Key::kLineno;
          line_.reset();
        }
        break;
      case Role::kSqlstmt:
        if (name == "PLpgSQL_expr") {
          key_ = Key::kExpr;
          query_.reset();
        }
        break;
      case Role::kExpr:
        if (name == "query") {
          key_ = Key::kQuery;
          query_.reset();
        }
        break;
      case Role::kIgnored:
        break;
    }
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  // What an open object or array is to the search.
  enum class Role : uint8_t { kOther, kExecsql, kSqlstmt, kExpr, kIgnored };
  // What the last key of the innermost object names.
  enum class Key : uint8_t { kOther, kExecsql, kSqlstmt, kExpr, kQuery, kLineno };

  Role Current() const { return stack_.empty() ? Role::kOther : stack_.back(); }

  bool Open(bool object) {
    const Role outer = Current();
    Role role = outer == Role::kOther ? Role::kOther : Role::kIgnored;
    if (object && outer == Role::kOther && key_ == Key::kExecsql) {
      role = Role::kExecsql;
      query_.reset();
      line_.reset();
    } else if (object && outer == Role::kExecsql && key_ == Key::kSqlstmt) {
      role = Role::kSqlstmt;
    } else if (object && outer == Role::kSqlstmt && key_ == Key::kExpr) {
      role = Role::kExpr;
    }
    stack_.push_back(role);
    key_ = Key::kOther;
    return true;
  }
  bool Close() {
    stack_.pop_back();
    key_ = Key::kOther;
    return true;
  }
  bool Integer(int value) {
    if (Current() == Role::kExecsql && key_ == Key::kLineno) line_ = value;
    return Scalar();
  }
  bool Scalar() {
    key_ = Key::kOther;
    return true;
  }

  std::vector<PlpgsqlStatement>& out_;
  std::vector<Role> stack_;
  Key key_ = Key::kOther;
  std::optional<std::string> query_;  // of the PLpgSQL_stmt_execsql being read
  std::optional<int> line_;
};

}  // namespace

PlpgsqlBody ParsePlpgsqlBody(std::string_view statement_sql) {
  PlpgsqlBody body;
  const std::string sql(statement_sql);
  PgQueryPlpgsqlParseResult result = pg_query_parse_plpgsql(sql.c_str());
  if (result.error != nullptr) {
    body.error = result.error->message != nullptr ? result.error->message : "PL/pgSQL parse error";
  } else if (result.plpgsql_funcs != nullptr) {
    const std::string_view json(result.plpgsql_funcs);
    std::vector<PlpgsqlStatement> statements;
    StatementCollector plain(statements);
    bool read = ReadPlainJson(json, plain);
    if (!read) {  // beyond the plain reader: nlohmann decides, from a clean slate
      statements.clear();
      StatementCollector collector(statements);
      read = Json::sax_parse(json, &collector);
    }
    if (read) {
      body.statements = std::move(statements);
    } else {
      body.error = "unreadable PL/pgSQL parse tree";
    }
  }
  pg_query_free_plpgsql_parse_result(result);
  return body;
}

}  // namespace pgshift::parser
