// Text functions around the Database interface that need no connection of their own.
#include <cctype>
#include <regex>
#include <vector>

#include "runner/database.h"

namespace pgshift::runner {

std::string RedactUrl(std::string_view url) {
  std::string text(url);
  // postgresql://user:secret@host → postgresql://user:***@host
  static const std::regex kUserinfo(R"(^([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@?#]*):[^@/?#]*@)");
  text = std::regex_replace(text, kUserinfo, "$1:***@");
  // ?password=secret&... and key=value strings: password=secret
  static const std::regex kParameter(R"((^|[?&\s])(password\s*=\s*)('[^']*'|[^&\s]*))",
                                     std::regex::icase);
  return std::regex_replace(text, kParameter, "$1$2***");
}

namespace {

std::string PercentDecoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

void ReplaceAll(std::string& text, const std::string& secret) {
  if (secret.empty()) return;
  for (std::size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + 3)) {
    text.replace(at, secret.size(), "***");
  }
}

}  // namespace

std::string RedactPassword(std::string_view text, std::string_view url) {
  std::string out(text);
  const std::string address(url);
  std::smatch match;
  static const std::regex kUserinfo(R"(^[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@?#]*:([^@/?#]*)@)");
  static const std::regex kParameter(R"((?:^|[?&\s])password\s*=\s*('[^']*'|[^&\s]*))",
                                     std::regex::icase);
  std::vector<std::string> secrets;
  if (std::regex_search(address, match, kUserinfo)) secrets.push_back(match[1]);
  for (auto it = std::sregex_iterator(address.begin(), address.end(), kParameter);
       it != std::sregex_iterator(); ++it) {
    std::string value = (*it)[1];
    if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'')
      value = value.substr(1, value.size() - 2);
    secrets.push_back(value);
  }
  for (const std::string& secret : secrets) {
    ReplaceAll(out, secret);
    ReplaceAll(out, PercentDecoded(secret));
  }
  return out;
}

std::string QuoteQualified(Database& db, std::string_view name) {
  std::string out;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = name.find('.', start);
    if (!out.empty()) out += '.';
    out += db.QuoteIdent(name.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) return out;
    start = dot + 1;
  }
}

}  // namespace pgshift::runner
