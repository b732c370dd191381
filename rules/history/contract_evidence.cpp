#include "rules/history/contract_evidence.h"

namespace pgshift::rules {

evidence::Evidence UsesOf(const evidence::CodeUses& code, const SchemaChange& change) {
  return code.Find(change.object.name, change.column);
}

std::string Cite(const evidence::Evidence& evidence) {
  const evidence::CodeUse& first = evidence.strongest.front();
  std::string text = first.Place();
  if (evidence.total > 1) text += " (and " + std::to_string(evidence.total - 1) + " more)";
  text += ": " + std::string(evidence::UseKindText(first.kind));
  if (!first.how.empty()) text += " (" + first.how + ")";
  return text;
}

}  // namespace pgshift::rules
