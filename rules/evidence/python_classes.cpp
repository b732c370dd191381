#include "rules/evidence/python_classes.h"

namespace pgshift::rules::evidence {

std::vector<PythonClass> PythonClasses(const CodeText& code) {
  std::vector<PythonClass> classes;
  const std::vector<Line> lines = SplitLines(code.code);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view text = Trim(lines[i].text);
    if (!text.starts_with("class ")) continue;
    PythonClass found;
    found.indent = Indentation(lines[i].text);
    found.line = lines[i].number;
    found.name = std::string(WordAt(text, 6));
    const std::size_t open = text.find('(');
    if (open != std::string_view::npos && open < text.find(':')) {
      const std::size_t close = MatchingClose(text, open);
      found.bases = std::string(text.substr(open + 1, close - open - 1));
    }
    for (std::size_t j = i + 1; j < lines.size(); ++j) {
      if (Trim(lines[j].text).empty()) continue;
      if (Indentation(lines[j].text) <= found.indent) break;
      found.body.push_back(lines[j]);
    }
    if (!found.name.empty()) classes.push_back(std::move(found));
  }
  return classes;
}

std::vector<Line> NestedClassBody(const PythonClass& outer, std::string_view name) {
  std::vector<Line> body;
  int indent = -1;
  for (const Line& line : outer.body) {
    const std::string_view text = Trim(line.text);
    if (indent < 0) {
      if (text.starts_with("class ") && WordAt(text, 6) == name) indent = Indentation(line.text);
      continue;
    }
    if (Indentation(line.text) <= indent) break;
    body.push_back(line);
  }
  return body;
}

}  // namespace pgshift::rules::evidence
