#include "cli/lsp/framing.h"

#include <charconv>
#include <string_view>

namespace pgshift::cli::lsp {
namespace {

// A message larger than this is refused rather than read into memory.
constexpr std::size_t kMaxBody = std::size_t{256} << 20;

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

bool SameIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<Frame> ReadFrame(std::istream& in) {
  std::optional<std::size_t> length;
  std::string error;
  bool any_header = false;
  for (std::string line; std::getline(in, line);) {
    const std::string_view header = Trim(line);
    if (header.empty()) {
      if (!any_header) continue;  // stray blank lines between messages
      Frame frame;
      if (!length) {
        frame.error = error.empty() ? "message without a Content-Length header" : error;
        return frame;
      }
      if (*length > kMaxBody) {
        frame.error = "Content-Length " + std::to_string(*length) + " is over the limit";
        in.ignore(static_cast<std::streamsize>(*length));
        return frame;
      }
      frame.body.resize(*length);
      in.read(frame.body.data(), static_cast<std::streamsize>(*length));
      if (static_cast<std::size_t>(in.gcount()) != *length) return std::nullopt;  // cut off
      return frame;
    }
    any_header = true;
    const std::size_t colon = header.find(':');
    if (colon == std::string_view::npos) {
      error = "header line without a colon: " + std::string(header.substr(0, 80));
      continue;
    }
    if (!SameIgnoringCase(Trim(header.substr(0, colon)), "Content-Length")) continue;
    const std::string_view value = Trim(header.substr(colon + 1));
    std::size_t parsed = 0;
    const auto [end, status] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (status != std::errc() || end != value.data() + value.size()) {
      error = "Content-Length is not a number: " + std::string(value.substr(0, 40));
      continue;
    }
    length = parsed;
  }
  return std::nullopt;
}

void WriteFrame(std::ostream& out, const std::string& body) {
  out << "Content-Length: " << body.size() << "\r\n\r\n" << body;
  out.flush();
}

}  // namespace pgshift::cli::lsp
