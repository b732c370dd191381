#include "rules/fix_edits.h"

#include <initializer_list>

#include "parser/tokens.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

bool IsTransactionStatement(const parser::Statement& statement,
                            std::initializer_list<PgQuery__TransactionStmtKind> kinds) {
  const parser::Node* node = statement.node;
  if (node == nullptr || node->node_case != PG_QUERY__NODE__NODE_TRANSACTION_STMT) return false;
  for (const auto kind : kinds) {
    if (node->transaction_stmt->kind == kind) return true;
  }
  return false;
}

// The first and last statements of the transaction statement `ctx.index` runs in, and whether
// the file opens it with BEGIN.
struct TransactionExtent {
  std::size_t first = 0;
  std::size_t last = 0;
  bool explicit_block = false;
};

TransactionExtent ExtentOf(const StatementContext& ctx) {
  const auto& statements = ctx.file.statements;
  const auto& transactions = ctx.facts.transactions;
  const int id = ctx.transaction().id;
  TransactionExtent extent{ctx.index, ctx.index, false};
  while (extent.first > 0 && transactions[extent.first - 1].id == id) --extent.first;
  while (extent.last + 1 < statements.size() && transactions[extent.last + 1].id == id) {
    ++extent.last;
  }
  extent.explicit_block = IsTransactionStatement(
      statements[extent.first], {PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN,
                                 PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START});
  return extent;
}

}  // namespace

std::string OutsideTransactionAdvice(const StatementContext& ctx) {
  const bool tool_block = ctx.settings.transactions != TransactionWrapping::kNone &&
                          !ctx.statement().nested() && !ExtentOf(ctx).explicit_block;
  if (!tool_block) return "Move it out of BEGIN ... COMMIT: run it as a statement of its own.";
  if (!ctx.settings.tool_opt_out.empty()) return ctx.settings.tool_opt_out;
  return "Put it in a migration of its own and turn off the tool's transaction for that file "
         "(e.g. Flyway's `V<n>__x.sql.conf` with `executeInTransaction=false`, diesel's "
         "`run_in_transaction = false`, goose's `-- +goose NO TRANSACTION`, Rails' "
         "`disable_ddl_transaction!`).";
}

bool ConcurrentlyTakesFileOutOfTransaction(const StatementContext& ctx) {
  if (!ctx.settings.tool_runs_concurrent_scripts_outside || ctx.statement().nested() ||
      ctx.settings.transactions != TransactionWrapping::kPerFile) {
    return false;
  }
  // Each statement must end up concurrent, or the script mixes and the tool refuses it: one the
  // rules pass over (a new or partitioned table, an index unknown) keeps the file as it is.
  bool any = false;
  for (const parser::Statement& statement : ctx.file.statements) {
    if (statement.nested()) continue;
    const PgQuery__Node* node = statement.node;
    if (node == nullptr) return false;
    any = true;
    if (node->node_case == PG_QUERY__NODE__NODE_INDEX_STMT) {
      const PgQuery__IndexStmt& index = *node->index_stmt;
      if (index.concurrent) continue;
      const parser::QualifiedName table = parser::NameOf(index.relation);
      const CatalogTable* known = ctx.catalog.FindTable(table);
      if (known == nullptr || known->partitioned || ctx.IsNew(table)) return false;
      continue;
    }
    if (node->node_case != PG_QUERY__NODE__NODE_DROP_STMT) return false;
    const PgQuery__DropStmt& drop = *node->drop_stmt;
    if (drop.remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_INDEX || drop.n_objects != 1 ||
        drop.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE ||
        drop.objects[0]->node_case != PG_QUERY__NODE__NODE_LIST) {
      return false;
    }
    if (drop.concurrent) continue;
    const parser::QualifiedName name = parser::NameOfList(parser::StringList(drop.objects[0]->list));
    const CatalogIndex* known = ctx.catalog.FindIndex(name);
    if (known == nullptr || ctx.IsNew(known->table) || ctx.IsNew(name)) return false;
  }
  return any;
}

namespace {

std::optional<parser::Token> FirstToken(std::string_view sql, PgQuery__Token kind) {
  // The scanner's cost grows with the tokens it reads, and the keyword sought mostly comes early
  // (CREATE INDEX, REINDEX TABLE): a prefix is scanned first. A prefix's token followed by two
  // more is the whole text's token (a cut inside a string, quoted name or comment fails instead).
  constexpr std::size_t kPrefix = 64;
  if (sql.size() > kPrefix) {
    if (const auto tokens = parser::ScanTokens(parser::ScannablePrefix(sql, kPrefix))) {
      for (std::size_t i = 0; i + 2 < tokens->size(); ++i) {
        if ((*tokens)[i].kind == kind) return (*tokens)[i];
      }
    }
  }
  const auto tokens = parser::ScanTokens(sql);
  if (!tokens) return std::nullopt;
  for (const parser::Token& token : *tokens) {
    if (token.kind == kind) return token;
  }
  return std::nullopt;
}

}  // namespace

std::optional<Edit> InsertAfterToken(const parser::Statement& statement, PgQuery__Token kind,
                                     std::string_view text) {
  const std::optional<parser::Token> token = FirstToken(statement.text, kind);
  if (!token) return std::nullopt;
  const std::size_t at = statement.span.begin + token->end;
  return Edit{{at, at}, " " + std::string(text)};
}

std::optional<Edit> InsertAtClauseEnd(const parser::Statement& statement, int location,
                                      std::string_view text) {
  const auto tokens = parser::ScanTokens(statement.text);
  if (!tokens || location < 0) return std::nullopt;
  int depth = 0;
  std::size_t end = 0;
  for (const parser::Token& token : *tokens) {
    if (token.begin < static_cast<std::size_t>(location)) continue;
    if (token.kind == PG_QUERY__TOKEN__ASCII_40) ++depth;                             // (
    if (token.kind == PG_QUERY__TOKEN__ASCII_41) --depth;                             // )
    if (depth < 0 || (depth == 0 && token.kind == PG_QUERY__TOKEN__ASCII_44)) break;  // , or )
    if (token.kind == PG_QUERY__TOKEN__ASCII_59) break;                               // ;
    end = token.end;
  }
  if (end == 0) return std::nullopt;
  const std::size_t at = statement.span.begin + end;
  return Edit{{at, at}, " " + std::string(text)};
}

std::optional<Edit> InsertStatementAfterCommit(const StatementContext& ctx, std::string_view sql) {
  // A statement inside a DO block or function body runs inside its caller's transaction.
  if (ctx.settings.transactions == TransactionWrapping::kPerFile || ctx.statement().nested()) {
    return std::nullopt;
  }
  const auto& statements = ctx.file.statements;
  const auto [first, last, explicit_block] = ExtentOf(ctx);
  // A file sent as one query: what follows the statement joins its implicit transaction (an
  // inserted statement would make even a single statement's file one), unless a COMMIT ends it.
  if (ctx.settings.transactions == TransactionWrapping::kOneQuery && !explicit_block) {
    return std::nullopt;
  }
  if (explicit_block &&
      (last == ctx.index ||
       !IsTransactionStatement(statements[last],
                               {PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT}))) {
    return std::nullopt;
  }
  // The block may end inside a DO block's body: insert after the top-level statement holding it.
  const parser::Statement& after = statements[ctx.file.TopLevelOf(last)];
  const std::string terminator = after.has_semicolon ? "" : ";";
  return Edit{{after.terminator_end, after.terminator_end},
              terminator + "\n" + std::string(sql) + ";"};
}

std::optional<std::string> TextThroughParentheses(const parser::Statement& statement, int location,
                                                  bool group_only) {
  const auto tokens = parser::ScanTokens(statement.text);
  if (!tokens || location < 0) return std::nullopt;
  int depth = 0;
  std::size_t begin = static_cast<std::size_t>(location);
  for (const parser::Token& token : *tokens) {
    if (token.begin < static_cast<std::size_t>(location)) continue;
    if (token.kind == PG_QUERY__TOKEN__ASCII_40 && depth++ == 0 && group_only) begin = token.begin;
    if (token.kind == PG_QUERY__TOKEN__ASCII_41 && --depth == 0) {
      return std::string(statement.text.substr(begin, token.end - begin));
    }
  }
  return std::nullopt;
}

std::optional<std::string> ExpressionText(const parser::Statement& statement, int location) {
  const auto tokens = parser::ScanTokens(statement.text);
  if (!tokens || location < 0) return std::nullopt;
  int depth = 0;
  std::optional<std::size_t> begin;
  std::size_t end = 0;
  for (const parser::Token& token : *tokens) {
    if (token.begin < static_cast<std::size_t>(location)) continue;
    if (token.kind == PG_QUERY__TOKEN__ASCII_40) ++depth;
    if (token.kind == PG_QUERY__TOKEN__ASCII_41 && --depth < 0) return std::nullopt;
    if (depth == 0) {
      switch (token.kind) {
        case PG_QUERY__TOKEN__ASCII_44:
        case PG_QUERY__TOKEN__ASCII_59:
        case PG_QUERY__TOKEN__NOT:
        case PG_QUERY__TOKEN__NULL_P:
        case PG_QUERY__TOKEN__CHECK:
        case PG_QUERY__TOKEN__REFERENCES:
        case PG_QUERY__TOKEN__UNIQUE:
        case PG_QUERY__TOKEN__PRIMARY:
        case PG_QUERY__TOKEN__CONSTRAINT:
        case PG_QUERY__TOKEN__GENERATED:
        case PG_QUERY__TOKEN__COLLATE:
        case PG_QUERY__TOKEN__DEFAULT:
          if (!begin) return std::nullopt;
          return std::string(statement.text.substr(*begin, end - *begin));
        default:
          break;
      }
    }
    if (!begin) begin = token.begin;
    end = token.end;
  }
  if (!begin) return std::nullopt;
  return std::string(statement.text.substr(*begin, end - *begin));
}

std::string StatementWith(const parser::Statement& statement, const Edit& edit) {
  std::string out(statement.text);
  // Edits are built as statement.span.begin plus an offset in the text (see InsertAfterToken).
  if (edit.span.begin < statement.span.begin || edit.span.end < edit.span.begin) return out;
  const std::size_t at = edit.span.begin - statement.span.begin;
  if (at + edit.span.size() > out.size()) return out;
  out.replace(at, edit.span.size(), edit.replacement);
  return out;
}

NotValidAdvice AddNotValidThenValidate(const StatementContext& ctx,
                                       const parser::QualifiedName& table,
                                       const PgQuery__Constraint& c) {
  const std::string name = !parser::Str(c.conname).empty() ? QuoteIdent(c.conname) : std::string();
  const std::string validate =
      "ALTER TABLE " + SqlName(table) + " VALIDATE CONSTRAINT " + (name.empty() ? "<name>" : name);
  const std::optional<Edit> not_valid = InsertAtClauseEnd(ctx.statement(), c.location, "NOT VALID");
  const std::optional<Edit> later = InsertStatementAfterCommit(ctx, validate);
  NotValidAdvice advice;
  advice.help = "Add it NOT VALID, then validate it in a later transaction";
  if (later && !name.empty()) advice.help += kFixDoesThis;
  advice.help += ":\n  ";
  advice.help += (not_valid ? StatementWith(ctx.statement(), *not_valid) : "... NOT VALID") +
                 ";\n  " + validate + ";";
  if (!later) advice.help += "  -- in a later migration, or after COMMIT";
  if (not_valid && later && !name.empty()) advice.fix = {*not_valid, *later};
  return advice;
}

}  // namespace pgshift::rules
