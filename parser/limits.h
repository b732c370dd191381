// How much one file may make pgshift hold while it is parsed and linted (`max_memory` in
// pgshift.toml, `--max-memory`; docs/configuration.md). Beyond it a file is refused with a
// message, never allowed to exhaust the machine's memory.
#pragma once

#include <cstddef>

namespace pgshift::parser {

inline constexpr std::size_t kDefaultMaxMemory = std::size_t{2} << 30;  // 2 GiB

// What one statement is counted at beyond its parse tree: the statement, its facts, findings.
inline constexpr std::size_t kStatementOverhead = 512;

struct ParseLimits {
  // The parse trees and statements of one file together.
  std::size_t memory = kDefaultMaxMemory;
  // One statement's text: the parser's working memory for a statement runs to a few hundred
  // times its size (2 MiB by default).
  std::size_t StatementBytes() const { return memory / 1024; }
  // One input file's bytes, read whole before parsing (512 MiB by default).
  std::size_t FileBytes() const { return memory / 4; }
};

}  // namespace pgshift::parser
