#include "rules/analysis/volatility.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace pgshift::rules {
namespace {

// Built-in functions commonly used in defaults, by volatility (pg_proc.provolatile).
constexpr std::array<std::string_view, 16> kVolatile = {
    "random",          "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc",
    "uuid_generate_v4", "clock_timestamp", "timeofday",        "nextval",
    "setval",          "txid_current",    "pg_current_xact_id", "random_normal",
    "gen_random_bytes", "uuid_generate_v7", "gen_salt",       "crypt"};

constexpr std::array<std::string_view, 46> kNotVolatile = {
    // stable
    "now", "statement_timestamp", "transaction_timestamp", "current_setting", "to_char",
    "to_timestamp", "to_date", "age", "current_database", "current_schema", "timezone",
    "concat", "concat_ws", "format", "jsonb_build_object", "json_build_object",
    "jsonb_build_array", "json_build_array", "to_json", "to_jsonb", "array_to_json",
    // immutable
    "lower", "upper", "trim", "btrim", "ltrim", "rtrim", "length", "substring", "substr",
    "replace", "coalesce", "abs", "round", "floor", "ceil", "md5", "encode", "decode",
    "make_interval", "make_date", "make_timestamp", "make_timestamptz", "date_trunc",
    "array_fill", "int4range"};

bool Contains(auto const& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

}  // namespace

VolatilityVerdict VolatilityOf(const parser::Node* expression) {
  VolatilityVerdict verdict;
  for (const std::string& name : parser::FunctionsCalled(expression)) {
    if (Contains(kNotVolatile, name)) {
      if (verdict.volatility == Volatility::kImmutable) verdict.volatility = Volatility::kStable;
      continue;
    }
    verdict.volatility = Volatility::kVolatile;
    verdict.because = name + "()";
    if (!Contains(kVolatile, name)) verdict.because += ", a function not known to be non-volatile";
    return verdict;
  }
  return verdict;
}

}  // namespace pgshift::rules
