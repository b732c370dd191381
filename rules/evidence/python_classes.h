// Python classes as the Django and SQLAlchemy readers see them: the name, the bases, and the body
// (the lines indented deeper than the class line), with comments already blanked by CodeText.
#pragma once

#include <string>
#include <vector>

#include "rules/evidence/code_scan.h"
#include "rules/evidence/code_text.h"

namespace pgshift::rules::evidence {

struct PythonClass {
  std::string name;
  std::string bases;  // the text between the parentheses: "models.Model", "Base"
  int line = 0;
  int indent = 0;
  std::vector<Line> body;  // every line of the body, nested classes included
};

std::vector<PythonClass> PythonClasses(const CodeText& code);

// The body lines of a nested class (class Meta:) of `outer`, empty when it has none.
std::vector<Line> NestedClassBody(const PythonClass& outer, std::string_view name);

}  // namespace pgshift::rules::evidence
