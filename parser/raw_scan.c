// PostgreSQL's scanner, called directly for a text's tokens.
//
// Why: libpg_query's pg_query_scan scans every text twice (once to count the tokens), allocates
// each token on its own, and packs them with protobuf-c for pgshift to read back; the rules ask
// for tokens often enough (to place edits and spans) that this cost more than the scan itself.
// Here the text is scanned once into one growing array, with the same positions, token numbers
// and keyword kinds as pg_query_scan (tests/parser/raw_scan_test.cpp compares the two).
//
// C, with PostgreSQL's headers as libpg_query was built with them: see raw_tree.c.
// PostgreSQL's headers need postgres.h before the rest.
// clang-format off
#include <pg_query.h>

#include "postgres.h"
#include "parser/gramparse.h"
#include "utils/memutils.h"

#include <stdlib.h>

#include "parser/raw_scan.h"
// clang-format on

#if PG_VERSION_NUM != 150001
#error "third_party/libpg_query/include must be the PostgreSQL headers libpg_query was built with"
#endif

MemoryContext pg_query_enter_memory_context(void);
void pg_query_exit_memory_context(MemoryContext ctx);

// The start of flex's scanner state, as pg_query_scan reads it: the length of the last token,
// which the scanner's interface does not give.
struct yyguts_t {
  void* yyextra_r;
  FILE *yyin_r, *yyout_r;
  size_t yy_buffer_stack_top;
  size_t yy_buffer_stack_max;
  struct yy_buffer_state* yy_buffer_stack;
  char yy_hold_char;
  size_t yy_n_chars;
  size_t yyleng_r;
};

static int KeywordKind(int token) {
  switch (token) {
#define PG_KEYWORD(a, b, c, d) \
  case b:                      \
    return c + 1;
#include "parser/kwlist.h"
#undef PG_KEYWORD
    default:
      return 0;
  }
}

static int Append(PgshiftScan* scan, size_t* capacity, PgshiftScanToken token) {
  if (scan->count == *capacity) {
    const size_t grown = *capacity == 0 ? 64 : 2 * *capacity;
    PgshiftScanToken* tokens = realloc(scan->tokens, grown * sizeof(PgshiftScanToken));
    if (tokens == NULL) return 0;
    scan->tokens = tokens;
    *capacity = grown;
  }
  scan->tokens[scan->count++] = token;
  return 1;
}

// Scans `sql` into `scan`; leaves by longjmp when the scanner rejects the text. Its own function,
// so that what it changes lives behind pointers that longjmp leaves intact.
static void ScanInto(const char* sql, PgshiftScan* scan) {
  size_t capacity = 0;
  core_yy_extra_type extra;
  core_YYSTYPE value;
  YYLTYPE location;
  core_yyscan_t scanner = scanner_init(sql, &extra, &ScanKeywords, ScanKeywordTokens);
  for (;;) {
    const int token = core_yylex(&value, &location, scanner);
    if (token == 0) break;
    PgshiftScanToken out;
    out.start = location;
    // The scanner records where a string, a quoted name or a comment ends; any other token is as
    // long as flex's last match.
    out.end = (token == SCONST || token == BCONST || token == XCONST || token == IDENT ||
               token == C_COMMENT)
                  ? extra.yyllocend
                  : location + (int)((struct yyguts_t*)scanner)->yyleng_r;
    out.token = token;
    out.keyword_kind = KeywordKind(token);
    if (!Append(scan, &capacity, out)) {
      scan->ok = 0;
      break;
    }
  }
  scanner_finish(scanner);
}

PgshiftScan pgshift_scan(const char* sql) {
  PgshiftScan scan = {NULL, 0, 1};
  MemoryContext context = pg_query_enter_memory_context();
  MemoryContext scan_context = CurrentMemoryContext;
  PG_TRY();
  { ScanInto(sql, &scan); }
  PG_CATCH();
  {
    MemoryContextSwitchTo(scan_context);
    FlushErrorState();
    scan.ok = 0;
  }
  PG_END_TRY();
  pg_query_exit_memory_context(context);
  if (!scan.ok) pgshift_scan_free(&scan);
  return scan;
}

void pgshift_scan_free(PgshiftScan* scan) {
  free(scan->tokens);
  scan->tokens = NULL;
  scan->count = 0;
}
