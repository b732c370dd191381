#include "rules/directives.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "rules/squawk_rules.h"

namespace pgshift::rules {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

bool ConsumePrefix(std::string_view& text, std::string_view prefix) {
  if (text.substr(0, prefix.size()) != prefix) return false;
  text.remove_prefix(prefix.size());
  return true;
}

}  // namespace

std::vector<Suppression> FindSuppressions(const parser::ParsedFile& file) {
  std::vector<Suppression> out;
  const auto starts_after = [](const parser::Statement& s, std::size_t end) {
    return s.span.begin < end;
  };
  // Statements come in file order (nested ones inside their parent), so a binary search finds
  // the next one; a file with a suppression per statement would be quadratic otherwise.
  const bool ordered = std::is_sorted(
      file.statements.begin(), file.statements.end(),
      [](const parser::Statement& a, const parser::Statement& b) { return a.span.begin < b.span.begin; });
  for (const parser::Comment& comment : file.comments) {
    std::string_view body = Trim(comment.body);
    Suppression suppression;
    if (ConsumePrefix(body, "pgshift-ignore-file")) {
      suppression.whole_file = true;
    } else if (ConsumePrefix(body, "squawk-ignore-file")) {
      suppression.whole_file = suppression.from_squawk = true;
    } else if (ConsumePrefix(body, "squawk-ignore")) {
      suppression.from_squawk = true;
    } else if (!ConsumePrefix(body, "pgshift-ignore")) {
      continue;
    }
    if (!body.empty() && !std::isspace(static_cast<unsigned char>(body.front()))) continue;
    const std::size_t colon = body.find(':');
    std::string_view ids = colon == std::string_view::npos ? body : body.substr(0, colon);
    if (colon != std::string_view::npos) suppression.reason = std::string(Trim(body.substr(colon + 1)));
    std::vector<std::string_view> named;
    while (!ids.empty()) {
      const std::size_t comma = ids.find(',');
      const std::string_view id = Trim(ids.substr(0, comma));
      if (!id.empty()) named.push_back(id);
      if (comma == std::string_view::npos) break;
      ids.remove_prefix(comma + 1);
    }
    if (!suppression.from_squawk) {
      for (const std::string_view id : named) suppression.rules.emplace_back(id);
    } else if (named.empty()) {
      suppression.rules.emplace_back("all");  // Squawk: no names ignores every rule
    } else {
      for (const std::string_view id : named) {
        for (const std::string_view rule : PgshiftRulesForSquawk(id)) {
          if (std::find(suppression.rules.begin(), suppression.rules.end(), rule) ==
              suppression.rules.end()) {
            suppression.rules.emplace_back(rule);
          }
        }
      }
      if (suppression.rules.empty()) continue;  // nothing pgshift reports
    }
    suppression.comment = comment.span;
    if (!suppression.whole_file) {
      const auto next =
          ordered ? std::lower_bound(file.statements.begin(), file.statements.end(),
                                     comment.span.end, starts_after)
                  : std::find_if(file.statements.begin(), file.statements.end(),
                                 [&](const parser::Statement& s) {
                                   return s.span.begin >= comment.span.end;
                                 });
      if (next != file.statements.end()) {
        suppression.statement = static_cast<std::size_t>(next - file.statements.begin());
      }
    }
    out.push_back(std::move(suppression));
  }
  return out;
}

std::vector<FileDirective> FindFileDirectives(const parser::ParsedFile& file) {
  std::vector<FileDirective> out;
  const std::size_t first_statement =
      file.statements.empty() ? static_cast<std::size_t>(-1) : file.statements.front().span.begin;
  for (const parser::Comment& comment : file.comments) {
    std::string_view body = Trim(comment.body);
    if (!ConsumePrefix(body, "pgshift:")) continue;
    FileDirective directive;
    directive.comment = comment.span;
    if (comment.span.begin > first_statement) {
      directive.error = "`-- pgshift:` directives belong at the top of the file, before the first statement";
      out.push_back(std::move(directive));
      continue;
    }
    body = Trim(body);
    if (body.empty()) directive.error = "`-- pgshift:` directive says nothing; expected phase=<phase>";
    while (!body.empty() && directive.error.empty()) {
      std::size_t end = 0;
      while (end < body.size() && !std::isspace(static_cast<unsigned char>(body[end]))) ++end;
      const std::string_view item = body.substr(0, end);
      body = Trim(body.substr(end));
      const std::size_t eq = item.find('=');
      const std::string_view key = item.substr(0, eq);
      const std::string_view value = eq == std::string_view::npos ? "" : item.substr(eq + 1);
      if (key != "phase") {
        directive.error = "unknown `-- pgshift:` directive `" + std::string(item) + "`; expected phase=<phase>";
      } else if (!(directive.phase = ParsePhase(value))) {
        directive.error = "unknown phase `" + std::string(value) +
                          "`; expected expand, backfill, switch or contract";
      }
    }
    if (!directive.error.empty()) directive.phase.reset();
    out.push_back(std::move(directive));
  }
  return out;
}

}  // namespace pgshift::rules
