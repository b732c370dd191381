// The base protocol of the Language Server Protocol: each message is a header block
// (`Content-Length: N`, then an empty line, each line ended by \r\n) and N bytes of JSON.
#pragma once

#include <istream>
#include <optional>
#include <ostream>
#include <string>

namespace pgshift::cli::lsp {

struct Frame {
  std::string body;   // the JSON text, when the header was usable
  std::string error;  // why the header was not: the body, if any, has been skipped
};

// The next message, or nullopt at the end of the input.
std::optional<Frame> ReadFrame(std::istream& in);
void WriteFrame(std::ostream& out, const std::string& body);

}  // namespace pgshift::cli::lsp
