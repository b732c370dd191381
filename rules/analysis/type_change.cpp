#include "rules/analysis/type_change.h"

#include <algorithm>
#include <array>
#include <optional>

namespace pgshift::rules {
namespace {

using parser::TypeSpec;

bool In(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::optional<long> Limit(const TypeSpec& type) {
  if (type.modifiers.empty()) return std::nullopt;
  return type.modifiers[0];
}

// Types whose length or precision limit PostgreSQL can raise or drop without touching a row (a
// planner support function removes the length coercion), and which every row is checked or
// converted against when the limit is added or lowered.
bool HasWideningLimit(std::string_view name) {
  return In(name, {"varchar", "varbit", "timestamp", "timestamptz", "time", "timetz"});
}

// Binary-coercible pairs from pg_cast (castmethod 'b') that migrations meet.
bool BinaryCoercible(std::string_view from, std::string_view to) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kPairs = {
      {{"varchar", "text"},
       {"text", "varchar"},
       {"cidr", "inet"},
       {"xml", "text"},
       {"xml", "varchar"},
       {"bit", "varbit"},
       {"int4", "oid"},
       {"oid", "int4"},
       {"text", "bpchar"},
       {"varchar", "bpchar"}}};
  return std::find(kPairs.begin(), kPairs.end(), std::pair{from, to}) != kPairs.end();
}

// New types that some other type reaches without a rewrite, so that without the old type the
// verdict stays open.
bool ReachableWithoutRewrite(const TypeSpec& type) {
  return HasWideningLimit(type.name) ||
         In(type.name, {"text", "numeric", "inet", "oid", "int4", "bpchar", "varbit"});
}

// Built-in types whose values change representation when converted from any other type.
bool BuiltInScalar(std::string_view name) {
  return In(name, {"int2", "int8", "float4", "float8", "bool", "uuid", "json", "jsonb", "date",
                   "bytea", "money", "interval", "citext", "tsvector"});
}

// USING email, or USING email::text with text the new type: no conversion beyond the type change.
bool UsingIsTheColumn(const parser::Node* expr, const TypeSpec& new_type, std::string_view column) {
  while (expr != nullptr && expr->node_case == PG_QUERY__NODE__NODE_TYPE_CAST &&
         parser::TypeSpecOf(expr->type_cast->type_name).ToString() == new_type.ToString()) {
    expr = expr->type_cast->arg;
  }
  if (expr == nullptr || expr->node_case != PG_QUERY__NODE__NODE_COLUMN_REF) return false;
  const auto& ref = *expr->column_ref;
  return ref.n_fields == 1 && parser::StringValue(ref.fields[0]) == column;
}

TypeChangeVerdict Catalog(std::string reason) {
  return {TypeChangeEffect::kCatalogOnly, std::move(reason)};
}
TypeChangeVerdict Rewrite(std::string reason) {
  return {TypeChangeEffect::kRewrite, std::move(reason)};
}

TypeChangeVerdict WithoutOldType(const TypeSpec& new_type) {
  const std::string to = new_type.ToString();
  if (ReachableWithoutRewrite(new_type) || !BuiltInScalar(new_type.name) || new_type.array) {
    return {TypeChangeEffect::kUnknown,
            "the old type is not known here: " + to +
                " is catalog-only from a binary-coercible type or a narrower limit of the same "
                "type, a rewrite from anything else"};
  }
  return Rewrite("converting to " + to + " rewrites every row unless the column already is " + to);
}

// Same type name, different limits: varchar(n), varbit(n), timestamp(p) and friends.
TypeChangeVerdict ChangeOfLimit(const TypeSpec& from, const TypeSpec& to) {
  const std::optional<long> old_limit = Limit(from);
  const std::optional<long> new_limit = Limit(to);
  if (!new_limit) return Catalog("removes the limit of " + from.ToString());
  if (old_limit && *new_limit >= *old_limit)
    return Catalog("widens the limit of " + from.ToString());
  return Rewrite(old_limit ? from.ToString() + " to " + to.ToString() +
                                 " lowers the limit: every row is converted"
                           : "adds a limit that every row is converted to");
}

TypeChangeVerdict ChangeOfNumeric(const TypeSpec& from, const TypeSpec& to) {
  if (to.modifiers.empty()) return Catalog("removes the precision limit of numeric");
  if (from.modifiers.empty())
    return Rewrite("adds a precision limit that every row is converted to");
  const long old_scale = from.modifiers.size() > 1 ? from.modifiers[1] : 0;
  const long new_scale = to.modifiers.size() > 1 ? to.modifiers[1] : 0;
  if (old_scale == new_scale && to.modifiers[0] >= from.modifiers[0]) {
    return Catalog("raises the precision with the same scale");
  }
  return Rewrite(from.ToString() + " to " + to.ToString() +
                 " changes the scale or lowers the precision: every row is converted");
}

}  // namespace

TypeChangeVerdict ClassifyTypeChange(const TypeSpec& old_type, const TypeSpec& new_type,
                                     const parser::Node* using_expr, std::string_view column) {
  if (using_expr != nullptr && !UsingIsTheColumn(using_expr, new_type, column)) {
    return Rewrite("the USING clause computes every row anew");
  }
  if (old_type.empty()) return WithoutOldType(new_type);
  if (old_type.array != new_type.array)
    return Rewrite("changes between array and scalar: every row is converted");
  if (old_type.ToString() == new_type.ToString()) return Catalog("the type does not change");

  const std::string& from = old_type.name;
  const std::string& to = new_type.name;
  const bool strings = In(from, {"varchar", "text", "xml"}) && In(to, {"varchar", "text"});
  if (strings && to == "varchar" && Limit(new_type)) {
    if (from == "varchar") return ChangeOfLimit(old_type, new_type);
    return Rewrite(old_type.ToString() + " to " + new_type.ToString() +
                   " adds a length limit that every row is checked against (a rewrite)");
  }
  if (strings)
    return Catalog(old_type.ToString() + " and " + new_type.ToString() + " are binary-coercible");
  if (from == to && HasWideningLimit(to)) return ChangeOfLimit(old_type, new_type);
  if (from == "numeric" && to == "numeric") return ChangeOfNumeric(old_type, new_type);
  if (BinaryCoercible(from, to) && new_type.modifiers.empty()) {
    return Catalog(old_type.ToString() + " and " + new_type.ToString() + " are binary-coercible");
  }
  if ((from == "timestamp" && to == "timestamptz") ||
      (from == "timestamptz" && to == "timestamp")) {
    return Rewrite(
        old_type.ToString() + " to " + new_type.ToString() +
        " converts every row (from PostgreSQL 12 it does not when the session TimeZone is UTC)");
  }
  return Rewrite(old_type.ToString() + " to " + new_type.ToString() + " converts every row");
}

}  // namespace pgshift::rules
