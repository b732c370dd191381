#include "parser/plpgsql.h"

#include <pg_query.h>

#include <nlohmann/json.hpp>

namespace pgshift::parser {
namespace {

// ordered_json keeps the keys as printed, so an IF's then-branch comes before its else-branch.
using Json = nlohmann::ordered_json;

void CollectStatements(const Json& value, std::vector<PlpgsqlStatement>& out) {
  if (value.is_array()) {
    for (const Json& item : value) CollectStatements(item, out);
    return;
  }
  if (!value.is_object()) return;
  for (const auto& [key, child] : value.items()) {
    if (key == "PLpgSQL_stmt_execsql" && child.is_object()) {
      const Json* query = nullptr;
      if (auto sql = child.find("sqlstmt"); sql != child.end() && sql->is_object()) {
        if (auto expr = sql->find("PLpgSQL_expr"); expr != sql->end() && expr->is_object()) {
          if (auto q = expr->find("query"); q != expr->end() && q->is_string()) query = &*q;
        }
      }
      const auto line = child.find("lineno");
      if (query != nullptr && line != child.end() && line->is_number_integer()) {
        out.push_back({query->get<std::string>(), line->get<int>()});
      }
      continue;
    }
    CollectStatements(child, out);
  }
}

}  // namespace

PlpgsqlBody ParsePlpgsqlBody(std::string_view statement_sql) {
  PlpgsqlBody body;
  const std::string sql(statement_sql);
  PgQueryPlpgsqlParseResult result = pg_query_parse_plpgsql(sql.c_str());
  if (result.error != nullptr) {
    body.error = result.error->message != nullptr ? result.error->message : "PL/pgSQL parse error";
  } else if (result.plpgsql_funcs != nullptr) {
    const Json functions = Json::parse(result.plpgsql_funcs, nullptr, /*allow_exceptions=*/false);
    if (functions.is_discarded()) {
      body.error = "unreadable PL/pgSQL parse tree";
    } else {
      CollectStatements(functions, body.statements);
    }
  }
  pg_query_free_plpgsql_parse_result(result);
  return body;
}

}  // namespace pgshift::parser
