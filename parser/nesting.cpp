#include "parser/nesting.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <string>
#include <vector>

namespace pgshift::parser {
namespace {

// Tokens that chain expressions or queries left-deep: each one nests the tree a level deeper.
bool Chains(int token) {
  switch (token) {
    case PG_QUERY__TOKEN__ASCII_37:  // %
    case PG_QUERY__TOKEN__ASCII_42:  // *
    case PG_QUERY__TOKEN__ASCII_43:  // +
    case PG_QUERY__TOKEN__ASCII_45:  // -
    case PG_QUERY__TOKEN__ASCII_47:  // /
    case PG_QUERY__TOKEN__ASCII_60:  // <
    case PG_QUERY__TOKEN__ASCII_61:  // =
    case PG_QUERY__TOKEN__ASCII_62:  // >
    case PG_QUERY__TOKEN__ASCII_94:  // ^
    case PG_QUERY__TOKEN__Op:
    case PG_QUERY__TOKEN__TYPECAST:
    case PG_QUERY__TOKEN__LESS_EQUALS:
    case PG_QUERY__TOKEN__GREATER_EQUALS:
    case PG_QUERY__TOKEN__NOT_EQUALS:
    case PG_QUERY__TOKEN__OPERATOR:
    case PG_QUERY__TOKEN__UNION:
    case PG_QUERY__TOKEN__INTERSECT:
    case PG_QUERY__TOKEN__EXCEPT:
    case PG_QUERY__TOKEN__JOIN:
    case PG_QUERY__TOKEN__COLLATE:
    case PG_QUERY__TOKEN__AT:
    case PG_QUERY__TOKEN__LIKE:
    case PG_QUERY__TOKEN__ILIKE:
    case PG_QUERY__TOKEN__SIMILAR:
    case PG_QUERY__TOKEN__IS:
    case PG_QUERY__TOKEN__ISNULL:
    case PG_QUERY__TOKEN__NOTNULL:
    case PG_QUERY__TOKEN__IN_P:
    case PG_QUERY__TOKEN__BETWEEN:
    case PG_QUERY__TOKEN__OVERLAPS:
      return true;
    default:
      return false;
  }
}

struct Scan {
  std::size_t deepest = 0;
  std::optional<std::size_t> passed;  // offset where the depth first went over kMaxNesting
};

Scan Measure(std::string_view sql) {
  Scan scan;
  if (sql.size() < 2 * kMaxNesting) return scan;
  const std::string text(sql);
  PgQueryScanResult result = pg_query_scan(text.c_str());
  PgQuery__ScanResult* tokens =
      result.error != nullptr
          ? nullptr
          : pg_query__scan_result__unpack(nullptr, result.pbuf.len,
                                          reinterpret_cast<const uint8_t*>(result.pbuf.data));
  if (tokens == nullptr) {
    // Text the scanner rejects never reaches a tree: the parser stops at the same error.
    pg_query_free_scan_result(result);
    return scan;
  }
  // Per open level (parenthesis, bracket or CASE), the operators chained in its current list
  // element. Right-recursive nesting without such a token (NOT NOT ...) is bounded by the
  // parser's own stack of 10,000 entries, which the large stack has room for.
  struct Level {
    int opener;
    std::size_t chained;
  };
  std::vector<Level> levels{{0, 0}};
  std::size_t depth = 0;  // open levels plus every level's chain
  for (std::size_t i = 0; i < tokens->n_tokens; ++i) {
    const PgQuery__ScanToken& token = *tokens->tokens[i];
    switch (token.token) {
      case PG_QUERY__TOKEN__ASCII_40:  // (
      case PG_QUERY__TOKEN__ASCII_91:  // [
      case PG_QUERY__TOKEN__CASE:
        levels.push_back({token.token, 0});
        ++depth;
        break;
      case PG_QUERY__TOKEN__ASCII_41:  // )
      case PG_QUERY__TOKEN__ASCII_93:  // ]
      case PG_QUERY__TOKEN__END_P:
        if (levels.size() > 1 && (token.token != PG_QUERY__TOKEN__END_P ||
                                  levels.back().opener == PG_QUERY__TOKEN__CASE)) {
          depth -= levels.back().chained + 1;
          levels.pop_back();
        }
        break;
      case PG_QUERY__TOKEN__ASCII_44:  // , : the next list element is a sibling
      case PG_QUERY__TOKEN__ASCII_59:  // ;
      case PG_QUERY__TOKEN__AND:       // AND and OR chains are flattened into one node
      case PG_QUERY__TOKEN__OR:
      case PG_QUERY__TOKEN__WHEN:      // CASE branches are a list
      case PG_QUERY__TOKEN__THEN:
      case PG_QUERY__TOKEN__ELSE:
        depth -= levels.back().chained;
        levels.back().chained = 0;
        break;
      default:
        if (Chains(token.token)) {
          ++levels.back().chained;
          ++depth;
        }
    }
    if (depth > scan.deepest) scan.deepest = depth;
    if (depth > kMaxNesting && !scan.passed) scan.passed = static_cast<std::size_t>(token.start);
  }
  pg_query__scan_result__free_unpacked(tokens, nullptr);
  pg_query_free_scan_result(result);
  return scan;
}

}  // namespace

std::size_t NestingEstimate(std::string_view sql) { return Measure(sql).deepest; }

std::optional<std::size_t> TooDeep(std::string_view sql) { return Measure(sql).passed; }

}  // namespace pgshift::parser
