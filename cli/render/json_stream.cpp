#include "cli/render/json_stream.h"

#include <string>

namespace pgshift::cli {
namespace {

// Bytes that are not UTF-8 (a file name, say) become U+FFFD rather than an exception.
std::string Dump(const nlohmann::json& value) {
  return value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

void WriteStreamedJson(std::ostream& out, const nlohmann::json& document,
                       const JsonElements& elements) {
  const std::string text = Dump(document);
  const std::string placeholder = '"' + std::string(kStreamedArray) + '"';
  const std::size_t at = text.find(placeholder);
  if (at == std::string::npos) {
    out << text;
    return;
  }
  // The array's own indentation is that of the line its key starts.
  const std::size_t line = text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
  std::size_t indent = 0;
  while (line + indent < at && text[line + indent] == ' ') ++indent;
  const std::string inner(indent + 2, ' ');
  out.write(text.data(), static_cast<std::streamsize>(at));
  out << '[';
  bool first = true;
  elements([&](const nlohmann::json& element) {
    out << (first ? "\n" : ",\n") << inner;
    for (const char c : Dump(element)) {
      out << c;
      if (c == '\n') out << inner;
    }
    first = false;
  });
  if (!first) out << '\n' << std::string(indent, ' ');
  out << ']' << std::string_view(text).substr(at + placeholder.size());
}

}  // namespace pgshift::cli
