// PostgreSQL's scanner over a text, called directly (raw_scan.c says why). A C interface:
// raw_scan.c is C, and the C++ side calls it through ForEachScanToken below.
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// One token as libpg_query's pg_query_scan reports it.
typedef struct PgshiftScanToken {
  int start;  // byte offsets in the text
  int end;
  int token;         // PgQuery__Token (the grammar's token number)
  int keyword_kind;  // PgQuery__KeywordKind: 0 for no keyword
} PgshiftScanToken;

typedef struct PgshiftScan {
  PgshiftScanToken* tokens;  // comments included; free with pgshift_scan_free
  size_t count;
  int ok;  // 0 when the scanner rejected the text (no tokens then)
} PgshiftScan;

// Scans `sql` (NUL-terminated). Safe to call from several threads at once.
PgshiftScan pgshift_scan(const char* sql);
void pgshift_scan_free(PgshiftScan* scan);

#ifdef __cplusplus
}

#include <string>

namespace pgshift::parser {

// Calls `visit(const PgshiftScanToken&)` for each token of `sql`, comments included, in order;
// false (and no call) when the scanner rejects the text.
template <typename Visit>
bool ForEachScanToken(const std::string& sql, Visit&& visit) {
  struct Owned {  // frees the tokens however the visits end
    PgshiftScan scan;
    ~Owned() { pgshift_scan_free(&scan); }
  } owned{pgshift_scan(sql.c_str())};
  for (size_t i = 0; i < owned.scan.count; ++i) visit(owned.scan.tokens[i]);
  return owned.scan.ok != 0;
}

}  // namespace pgshift::parser
#endif
