#include "cli/render/json_stream.h"

#include <string>

namespace pgshift::cli {

void WriteStreamedJson(std::ostream& out, const nlohmann::json& document,
                       const JsonElements& elements) {
  const std::string text = document.dump(2);
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
    for (const char c : element.dump(2)) {
      out << c;
      if (c == '\n') out << inner;
    }
    first = false;
  });
  if (!first) out << '\n' << std::string(indent, ' ');
  out << ']' << std::string_view(text).substr(at + placeholder.size());
}

}  // namespace pgshift::cli
