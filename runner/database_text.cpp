// Text functions around the Database interface that need no connection of their own.
#include "runner/database.h"

namespace pgshift::runner {
namespace {

std::string DoubleQuoted(std::string_view part) {
  std::string out = "\"";
  for (const char c : part) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::vector<std::string> NameParts(std::string_view name) {
  std::vector<std::string> parts(1);
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '.') {
      parts.emplace_back();
    } else if (c == '"' && parts.back().empty()) {
      // A quoted part: up to the closing quote, "" standing for one.
      for (++i; i < name.size(); ++i) {
        if (name[i] == '"' && (i + 1 >= name.size() || name[i + 1] != '"')) break;
        if (name[i] == '"') ++i;
        parts.back() += name[i];
      }
    } else {
      parts.back() += c;
    }
  }
  return parts;
}

std::string NameText(std::string_view schema, std::string_view name) {
  auto part = [](std::string_view text) {
    return text.find_first_of(".\"") == std::string_view::npos ? std::string(text)
                                                               : DoubleQuoted(text);
  };
  return schema.empty() ? part(name) : part(schema) + "." + part(name);
}

std::string QuoteQualified(Database& db, std::string_view name) {
  std::string out;
  for (const std::string& part : NameParts(name))
    out += (out.empty() ? "" : ".") + db.QuoteIdent(part);
  return out;
}

std::string QuotedName(std::string_view name) {
  std::string out;
  for (const std::string& part : NameParts(name))
    out += (out.empty() ? "" : ".") + DoubleQuoted(part);
  return out;
}

}  // namespace pgshift::runner
