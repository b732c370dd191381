// How much one file may make pgshift hold while it is parsed and linted (`max_memory` in
// pgshift.toml, `--max-memory`; docs/configuration.md). Beyond it a file is refused with a
// message, never allowed to exhaust the machine's memory.
#pragma once

#include <cstddef>

namespace pgshift::parser {

inline constexpr std::size_t kDefaultMaxMemory = std::size_t{2} << 30;  // 2 GiB

// What one statement is counted at beyond its parse tree: its record, facts, locks and findings
// (about 900 bytes on average in bench/large_input.sh's file of a million statements).
inline constexpr std::size_t kStatementOverhead = 1024;

struct ParseLimits {
  // Everything linting one file holds together: its text, parse trees and statements, and the
  // parser's working memory for the statement at hand (the program itself aside).
  std::size_t memory = kDefaultMaxMemory;
  // One statement's text (2 MiB by default).
  std::size_t StatementBytes() const { return memory / 1024; }
  // Kept free for the parser's working memory on one statement, which runs to about 50 times
  // the statement's size (measured on a 1.9 MB INSERT): 64 times the largest statement allowed.
  std::size_t ParserReserve() const { return StatementBytes() * 64; }
  // One input file's bytes, read whole before parsing (512 MiB by default).
  std::size_t FileBytes() const { return memory / 4; }
};

}  // namespace pgshift::parser
