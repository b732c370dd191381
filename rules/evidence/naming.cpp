#include "rules/evidence/naming.h"

#include <algorithm>
#include <array>
#include <utility>

namespace pgshift::rules::evidence {
namespace {

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char ToUpper(char c) { return IsLower(c) ? static_cast<char>(c - 'a' + 'A') : c; }
char ToLower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

// Singular and plural forms that no suffix rule gives.
constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kIrregular{{
    {"person", "people"},
    {"man", "men"},
    {"woman", "women"},
    {"child", "children"},
    {"mouse", "mice"},
    {"goose", "geese"},
    {"tooth", "teeth"},
    {"foot", "feet"},
    {"datum", "data"},
}};
// Words whose plural is the word itself.
constexpr std::array<std::string_view, 8> kUncountable{
    "equipment", "information", "rice", "money", "species", "series", "fish", "sheep"};

bool EndsWith(std::string_view text, std::string_view suffix) { return text.ends_with(suffix); }

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

// The last word of a snake_case or PascalCase name, and what comes before it.
std::pair<std::string, std::string> SplitLastWord(std::string_view name) {
  const std::size_t underscore = name.rfind('_');
  std::size_t start = underscore == std::string_view::npos ? 0 : underscore + 1;
  for (std::size_t i = name.size(); i-- > start + 1;) {
    if (IsUpper(name[i]) && i + 1 < name.size() && IsLower(name[i + 1])) {
      start = i;
      break;
    }
  }
  return {std::string(name.substr(0, start)), std::string(name.substr(start))};
}

// Applies `rule` to the lower-cased last word, keeping the case of its first letter.
template <class Rule>
std::string OnLastWord(std::string_view name, Rule rule) {
  auto [head, last] = SplitLastWord(name);
  if (last.empty()) return std::string(name);
  const bool capital = IsUpper(last[0]);
  std::string word = Lower(last);
  std::string changed = rule(word);
  if (capital && !changed.empty()) changed[0] = ToUpper(changed[0]);
  return head + changed;
}

std::string PluralOf(const std::string& word) {
  for (std::string_view u : kUncountable) {
    if (word == u) return word;
  }
  for (const auto& [one, many] : kIrregular) {
    if (word == one) return std::string(many);
    if (word == many) return word;
  }
  const std::size_t n = word.size();
  if (n >= 2 && word[n - 1] == 'y' && !IsVowel(word[n - 2])) return word.substr(0, n - 1) + "ies";
  if (EndsWith(word, "s") || EndsWith(word, "x") || EndsWith(word, "z") || EndsWith(word, "ch") ||
      EndsWith(word, "sh")) {
    return word + "es";
  }
  return word + "s";
}

std::string SingularOf(const std::string& word) {
  for (std::string_view u : kUncountable) {
    if (word == u) return word;
  }
  for (const auto& [one, many] : kIrregular) {
    if (word == many) return std::string(one);
    if (word == one) return word;
  }
  const std::size_t n = word.size();
  if (n > 3 && EndsWith(word, "ies")) return word.substr(0, n - 3) + "y";
  if (n > 4 && (EndsWith(word, "sses") || EndsWith(word, "shes") || EndsWith(word, "ches") ||
                EndsWith(word, "xes") || EndsWith(word, "zes"))) {
    return word.substr(0, n - 2);
  }
  if (n > 1 && EndsWith(word, "s") && !EndsWith(word, "ss") && !EndsWith(word, "us") &&
      !EndsWith(word, "is")) {
    return word.substr(0, n - 1);
  }
  return word;
}

void AddUnique(std::vector<std::string>& out, std::string word) {
  if (!word.empty() && std::find(out.begin(), out.end(), word) == out.end()) {
    out.push_back(std::move(word));
  }
}

}  // namespace

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ToLower(c);
  return out;
}

std::string SnakeCase(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (IsUpper(c)) {
      const bool after_lower = i > 0 && (IsLower(name[i - 1]) || IsDigit(name[i - 1]));
      const bool acronym_end =
          i > 0 && IsUpper(name[i - 1]) && i + 1 < name.size() && IsLower(name[i + 1]);
      if ((after_lower || acronym_end) && !out.empty() && out.back() != '_') out += '_';
      out += ToLower(c);
    } else {
      out += c;
    }
  }
  return out;
}

std::string CamelCase(std::string_view snake) {
  std::string out;
  bool upper_next = false;
  for (char c : snake) {
    if (c == '_') {
      upper_next = !out.empty();
      continue;
    }
    out += upper_next ? ToUpper(c) : c;
    upper_next = false;
  }
  return out;
}

std::string PascalCase(std::string_view snake) {
  std::string out = CamelCase(snake);
  if (!out.empty()) out[0] = ToUpper(out[0]);
  return out;
}

std::string Pluralize(std::string_view word) { return OnLastWord(word, PluralOf); }

std::string Singularize(std::string_view word) { return OnLastWord(word, SingularOf); }

std::vector<std::string> TableWords(std::string_view table) {
  std::vector<std::string> words;
  const std::string singular = Singularize(table);
  for (const std::string& form : {std::string(table), singular}) {
    AddUnique(words, form);
    if (form.find('_') != std::string::npos || IsLower(form.empty() ? 'A' : form[0])) {
      AddUnique(words, CamelCase(form));
      AddUnique(words, PascalCase(form));
    }
  }
  return words;
}

std::vector<std::string> ColumnWords(std::string_view column) {
  std::vector<std::string> words{std::string(column)};
  if (column.find('_') != std::string::npos) AddUnique(words, CamelCase(column));
  return words;
}

}  // namespace pgshift::rules::evidence
