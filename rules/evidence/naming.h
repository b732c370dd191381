// How ORMs turn class and field names into table and column names, and back: snake_case,
// camelCase, PascalCase, and the English plurals of ActiveRecord, gorm, ent and TypeORM.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pgshift::rules::evidence {

// "LegacyFlag" -> "legacy_flag", "HTTPServer" -> "http_server", "userID" -> "user_id".
std::string SnakeCase(std::string_view name);
// "legacy_flag" -> "legacyFlag"
std::string CamelCase(std::string_view snake);
// "legacy_flag" -> "LegacyFlag"
std::string PascalCase(std::string_view snake);
// "user" -> "users", "category" -> "categories", "person" -> "people" (the last word only).
std::string Pluralize(std::string_view word);
// "users" -> "user", "categories" -> "category", "people" -> "person" (the last word only).
std::string Singularize(std::string_view word);
std::string Lower(std::string_view text);

// The words code uses to name a table: itself and its singular, in snake, camel and Pascal case
// ("users", "user", "User", "Users"; "local_user" adds "localUser", "LocalUser").
std::vector<std::string> TableWords(std::string_view table);
// The words code uses for a column: itself and, for snake_case, its camelCase.
std::vector<std::string> ColumnWords(std::string_view column);

}  // namespace pgshift::rules::evidence
