// Which migration tool runs a history, and where a migration's history is: recognised from the
// directory, or set in pgshift.toml (`[history] tool`).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "project/file_source.h"
#include "project/migration_tool.h"
#include "rules/history/migration_order.h"

namespace pgshift::project {

struct ToolChoice {
  std::shared_ptr<const MigrationTool> tool;  // never null: the generic fallback when none fits
  bool recognised = false;                    // false for the generic fallback
  std::string why;  // "files carry `-- +goose Up`", "set in pgshift.toml"
  // For --verbose: "goose (files carry `-- +goose Up`)".
  std::string Describe() const;
};

// The tool for the history under `root`. `configured` is the `[history] tool` key: empty to
// recognise, "none" for the generic fallback, or a tool's name. `order` "name" orders the
// history by path whatever the tool.
ToolChoice ChooseTool(const std::string& root, const FileSource& source,
                      std::string_view configured, rules::MigrationOrderStyle order);

// The directory holding the history `path` belongs to: a tool's own layout (sqitch's deploy/),
// a version folder's parent, or the file's directory.
std::string HistoryRootOf(const std::string& path, const FileSource& source);

// "atlas, dbmate, ..., and none": for error messages.
std::string ToolNames();

}  // namespace pgshift::project
