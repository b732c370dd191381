#include "rules/analysis/type_change.h"

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

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

TypeChangeVerdict CatalogOnly(std::string reason) {
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
  if (!new_limit) return CatalogOnly("removes the limit of " + from.ToString());
  if (old_limit && *new_limit >= *old_limit)
    return CatalogOnly("widens the limit of " + from.ToString());
  return Rewrite(old_limit ? from.ToString() + " to " + to.ToString() +
                                 " lowers the limit: every row is converted"
                           : "adds a limit that every row is converted to");
}

TypeChangeVerdict ChangeOfNumeric(const TypeSpec& from, const TypeSpec& to) {
  if (to.modifiers.empty()) return CatalogOnly("removes the precision limit of numeric");
  if (from.modifiers.empty())
    return Rewrite("adds a precision limit that every row is converted to");
  const long old_scale = from.modifiers.size() > 1 ? from.modifiers[1] : 0;
  const long new_scale = to.modifiers.size() > 1 ? to.modifiers[1] : 0;
  if (old_scale == new_scale && to.modifiers[0] >= from.modifiers[0]) {
    return CatalogOnly("raises the precision with the same scale");
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
  if (old_type.ToString() == new_type.ToString()) return CatalogOnly("the type does not change");
  if (old_type.array) {
    // An array is converted element by element, limits and binary-coercible types alike; only
    // dropping the limit of the same type leaves the rows as they are.
    if (old_type.name == new_type.name && new_type.modifiers.empty()) {
      return CatalogOnly("removes the limit of " + old_type.ToString());
    }
    return Rewrite(old_type.ToString() + " to " + new_type.ToString() +
                   " converts every element of every row");
  }

  const std::string& from = old_type.name;
  const std::string& to = new_type.name;
  const bool strings = In(from, {"varchar", "text", "xml"}) && In(to, {"varchar", "text"});
  if (strings && to == "varchar" && Limit(new_type)) {
    if (from == "varchar") return ChangeOfLimit(old_type, new_type);
    return Rewrite(old_type.ToString() + " to " + new_type.ToString() +
                   " adds a length limit that every row is checked against (a rewrite)");
  }
  if (strings)
    return CatalogOnly(old_type.ToString() + " and " + new_type.ToString() +
                       " are binary-coercible");
  if (from == to && HasWideningLimit(to)) return ChangeOfLimit(old_type, new_type);
  if (from == "numeric" && to == "numeric") return ChangeOfNumeric(old_type, new_type);
  if (BinaryCoercible(from, to) && new_type.modifiers.empty()) {
    return CatalogOnly(old_type.ToString() + " and " + new_type.ToString() +
                       " are binary-coercible");
  }
  if ((from == "timestamp" && to == "timestamptz") ||
      (from == "timestamptz" && to == "timestamp")) {
    return Rewrite(
        old_type.ToString() + " to " + new_type.ToString() +
        " converts every row (from PostgreSQL 12 it does not when the session TimeZone is UTC)");
  }
  return Rewrite(old_type.ToString() + " to " + new_type.ToString() + " converts every row");
}

std::optional<IndexRebuild> IndexRebuildOf(const TypeSpec& old_type, std::string_view old_collation,
                                           const TypeSpec& new_type,
                                           std::string_view new_collation) {
  const auto named = [](std::string_view collation) {
    return collation.empty() ? std::string("the default") : "\"" + std::string(collation) + "\"";
  };
  if (old_collation != new_collation) {
    return IndexRebuild{
        true, "the collation changes from " + named(old_collation) + " to " + named(new_collation),
        "COLLATE " + (new_collation.empty() ? std::string("\"default\"") : named(new_collation))};
  }
  // Binary-coercible pairs whose types index with different operator classes.
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kNewOpclass = {
      {{"int4", "oid"},
       {"oid", "int4"},
       {"text", "bpchar"},
       {"varchar", "bpchar"},
       {"bit", "varbit"}}};
  for (const auto& [from, to] : kNewOpclass) {
    if (old_type.name == from && new_type.name == to && !old_type.array && !new_type.array) {
      return IndexRebuild{false,
                          old_type.ToString() + " and " + new_type.ToString() +
                              " index with different operator classes",
                          std::string(to) + "_ops", std::string(from) + "_ops"};
    }
  }
  return std::nullopt;
}

std::string IndexesRebuilt::Reason() const {
  const bool computed = std::any_of(indexes.begin(), indexes.end(),
                                    [](const TableIndex& index) { return index.computed; });
  if (!why) return std::string(kComputedIndexRebuilt);
  return computed ? why->reason + "; and " + std::string(kComputedIndexRebuilt) : why->reason;
}

std::optional<IndexesRebuilt> IndexesRebuiltBy(const Catalog& catalog,
                                               const parser::QualifiedName& table,
                                               std::string_view column,
                                               const PgQuery__ColumnDef& def) {
  const CatalogTable* known = catalog.FindTable(table);
  const CatalogColumn* old = known != nullptr ? known->FindColumn(column) : nullptr;
  if (old == nullptr) return std::nullopt;
  const TypeSpec new_type = parser::TypeSpecOf(def.type_name);
  if (ClassifyTypeChange(old->type, new_type, def.raw_default, column).effect !=
      TypeChangeEffect::kCatalogOnly) {
    return std::nullopt;
  }
  IndexesRebuilt out{IndexRebuildOf(old->type, old->collation, new_type, parser::CollationOf(def)),
                     {}};
  for (TableIndex& index : catalog.IndexesOf(table)) {
    if (index.computed && index.Reads(column)) {
      out.indexes.push_back(std::move(index));
      continue;
    }
    if (!out.why) continue;
    for (std::size_t i = 0; i < index.columns.size(); ++i) {
      if (index.columns[i] != column) continue;
      // An index names the column's collation when it names none; "default" is the type's.
      // (Views of the strings: a ternary of std::string and "" would make a temporary copy.)
      std::string_view named =
          i < index.collations.size() ? std::string_view(index.collations[i]) : std::string_view();
      const bool names_none = named.empty();
      if (named == "default") named = "";
      const std::string_view opclass =
          i < index.opclasses.size() ? std::string_view(index.opclasses[i]) : std::string_view();
      const bool rebuilt = out.why->new_collation
                               ? names_none || named == old->collation
                               : opclass.empty() || opclass == out.why->old_opclass;
      if (rebuilt) {
        out.indexes.push_back(std::move(index));
        break;
      }
    }
  }
  if (out.indexes.empty()) return std::nullopt;
  return out;
}

}  // namespace pgshift::rules
