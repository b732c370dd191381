#include "rules/analysis/type_change.h"

namespace pgshift::rules {
namespace {

bool IsStringType(const std::string& name) { return name == "varchar" || name == "text"; }

// Binary-coercible pairs (pg_cast with castmethod 'b'), for the types migrations change most.
bool BinaryCoercible(const std::string& from, const std::string& to) {
  if (IsStringType(from) && IsStringType(to)) return true;
  if (from == "cidr" && to == "inet") return true;
  if (from == "xml" && to == "text") return true;
  return false;
}

}  // namespace

TypeChangeVerdict ClassifyTypeChange(const parser::TypeSpec& old_type,
                                     const parser::TypeSpec& new_type, bool has_using) {
  if (has_using) return {TypeChangeEffect::kRewrite, "a USING clause recomputes every row"};
  if (old_type.empty()) {
    if (IsStringType(new_type.name) && new_type.modifiers.empty()) {
      return {TypeChangeEffect::kUnknown,
              "catalog-only from varchar or text, a rewrite from any other type; the old type "
              "is not known here"};
    }
    return {TypeChangeEffect::kUnknown, "the old type is not known here"};
  }
  if (old_type.array != new_type.array) {
    return {TypeChangeEffect::kRewrite, "changes between array and scalar"};
  }
  const std::string old_text = old_type.ToString();
  const std::string new_text = new_type.ToString();
  if (old_text == new_text) return {TypeChangeEffect::kCatalogOnly, "the type does not change"};

  const auto& from = old_type.name;
  const auto& to = new_type.name;
  if ((from == to && (to == "varchar" || to == "varbit" || to == "bit varying")) ||
      (from == "varchar" && to == "text")) {
    // A wider limit, or none, keeps every stored value valid without checking.
    if (new_type.modifiers.empty()) return {TypeChangeEffect::kCatalogOnly, "removes the length limit"};
    if (!old_type.modifiers.empty() && new_type.modifiers[0] >= old_type.modifiers[0]) {
      return {TypeChangeEffect::kCatalogOnly, "widens the length limit"};
    }
    return {TypeChangeEffect::kRewrite,
            old_type.modifiers.empty() ? "adds a length limit that every row must be checked against"
                                       : "shrinks the length limit"};
  }
  if (from == "text" && to == "varchar") {
    if (new_type.modifiers.empty()) return {TypeChangeEffect::kCatalogOnly, "text and varchar are binary-coercible"};
    return {TypeChangeEffect::kRewrite, "adds a length limit that every row must be checked against"};
  }
  if (from == "numeric" && to == "numeric") {
    if (new_type.modifiers.empty()) return {TypeChangeEffect::kCatalogOnly, "removes the precision limit"};
    if (old_type.modifiers.size() >= 1 && new_type.modifiers.size() >= 1) {
      const long old_scale = old_type.modifiers.size() > 1 ? old_type.modifiers[1] : 0;
      const long new_scale = new_type.modifiers.size() > 1 ? new_type.modifiers[1] : 0;
      if (old_scale == new_scale && new_type.modifiers[0] >= old_type.modifiers[0]) {
        return {TypeChangeEffect::kCatalogOnly, "raises the precision with the same scale"};
      }
    }
    return {TypeChangeEffect::kRewrite, "changes the scale or lowers the precision"};
  }
  if (BinaryCoercible(from, to) && new_type.modifiers.empty()) {
    return {TypeChangeEffect::kCatalogOnly, from + " and " + to + " are binary-coercible"};
  }
  if (from == "timestamp" && to == "timestamptz") {
    return {TypeChangeEffect::kRewrite,
            "timestamp to timestamptz rewrites unless the session time zone is UTC"};
  }
  return {TypeChangeEffect::kRewrite, old_text + " to " + new_text + " converts every row"};
}

}  // namespace pgshift::rules
