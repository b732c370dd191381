// Template placeholders in migration SQL: `${schema}` (Flyway, Liquibase) and `{{ ... }}` (Go
// templates, as gobuffalo/pop and others render migrations). The tool fills them in before the
// SQL reaches the server, so the file as written does not parse. Outside string literals,
// quoted identifiers and comments neither `${` nor `{{` can be SQL, so standing in a name for
// each there turns a certain syntax error into the statement the tool would run.
//
// The stand-in keeps every byte offset: the placeholder's bytes become its name (`${schema}` ->
// `schema`, `{{ index .Options "Namespace" }}` -> `Namespace`) padded with spaces, or with
// underscores where it is joined to a name (`${prefix}users` -> `   prefixusers`). A control
// action (`{{ if ... }}`, `{{ end }}`, a template comment) stands for nothing: it becomes spaces.
// Line breaks stay where they are.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parser/splitter.h"

namespace pgshift::parser {

struct TemplateStandIns {
  std::string text;         // `text` with the stand-ins; empty when there is no placeholder
  std::vector<Span> spans;  // each placeholder's bytes, in order
};

TemplateStandIns StandInForPlaceholders(std::string_view text);

}  // namespace pgshift::parser
