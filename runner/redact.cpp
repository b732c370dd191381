// Redaction of passwords in connection strings, read the way libpq reads them (a URI's user
// information, a percent-encoded query parameter, a key=value string's quoted or escaped value,
// a dbname that is a connection string itself), and a little wider where a user's intent is
// plain: a password written with an unencoded '@', '/' or '?' is hidden whole.
#include "runner/redact.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "runner/libpq/loader.h"

namespace pgshift::runner {
namespace {

constexpr std::string_view kHidden = "***";
constexpr std::string_view kUriDelimiters = "/@:?#&[]";
// Shorter secrets are hidden in free text only where libpq quotes them ("pw"): hiding every
// "ab" in a message would leave nothing to read.
constexpr std::size_t kShortSecret = 3;

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
        HexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// A span of the connection string that is a password.
struct Span {
  std::size_t begin, end;
};

std::vector<Span> SpansOf(std::string_view text);

std::vector<Span> SpansOfUri(std::string_view text, std::size_t start) {
  constexpr auto npos = std::string_view::npos;
  std::vector<Span> spans;
  // libpq ends the user information at an '@' that comes before any '/'. Failing that, an '@'
  // before the query still ends what the user meant as user information (a '/' in the password).
  std::size_t at = npos;
  const std::size_t slash = text.find('/', start);
  const std::size_t first_at = text.find('@', start);
  if (first_at != npos && (slash == npos || first_at < slash)) {
    at = first_at;
  } else if (first_at != npos && first_at < text.find('?', start)) {
    at = first_at;
  }
  std::size_t query_from = start;
  if (at != npos) {
    // A later '@' before the query: one written unencoded in the password.
    const std::size_t query = text.find('?', at);
    const std::size_t last_at = text.rfind('@', query == npos ? npos : query - 1);
    if (last_at != npos && last_at > at) at = last_at;
    const std::size_t colon = text.find(':', start);
    if (colon < first_at) spans.push_back({colon + 1, at});
    query_from = at;
  }
  for (std::size_t p = text.find('?', query_from); p != npos && p < text.size();) {
    const std::size_t begin = p + 1;
    const std::size_t end = std::min(text.find('&', begin), text.size());
    const std::size_t eq = text.find('=', begin);
    if (eq < end && PercentDecoded(text.substr(begin, eq - begin)) == "password")
      spans.push_back({eq + 1, end});
    p = end;
  }
  return spans;
}

// libpq's key=value grammar: keyword, '=', then a value in single quotes (with \ escapes) or up
// to the next blank. A dbname value may itself be a connection string.
std::vector<Span> SpansOfKeywords(std::string_view text) {
  std::vector<Span> spans;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    const std::size_t key_begin = i;
    while (i < text.size() && text[i] != '=' && !IsSpace(text[i])) ++i;
    const std::string_view key = text.substr(key_begin, i - key_begin);
    while (i < text.size() && IsSpace(text[i])) ++i;
    if (i >= text.size() || text[i] != '=') break;  // not key=value: libpq refuses the rest
    ++i;
    while (i < text.size() && IsSpace(text[i])) ++i;
    const std::size_t value_begin = i;
    std::string value;
    const bool quoted = i < text.size() && text[i] == '\'';
    for (i += quoted ? 1 : 0; i < text.size(); ++i) {
      if (quoted ? text[i] == '\'' : IsSpace(text[i])) break;
      if (text[i] == '\\' && i + 1 < text.size()) ++i;
      value += text[i];
    }
    if (quoted && i < text.size()) ++i;  // the closing quote
    if (key == "password") {
      spans.push_back({value_begin, i});
    } else if (key == "dbname") {
      // The inner string's passwords, where they sit when it was written without escapes.
      const std::size_t inner = text.find(value, value_begin);
      if (inner != std::string_view::npos) {
        for (const Span& s : SpansOf(value)) spans.push_back({inner + s.begin, inner + s.end});
      }
    }
  }
  return spans;
}

std::vector<Span> SpansOf(std::string_view text) {
  const std::size_t scheme = text.find("://");
  if (scheme != std::string_view::npos && scheme > 0) {
    const bool is_scheme = std::all_of(text.begin(), text.begin() + scheme, [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
    });
    if (is_scheme) return SpansOfUri(text, scheme + 3);
  }
  return SpansOfKeywords(text);
}

void ReplaceAll(std::string& text, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  for (std::size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + with.size())) {
    text.replace(at, what.size(), with);
  }
}

}  // namespace

// libpq reads connection strings for the two functions below. Without it (lint never needs it,
// and it may not be installed) a string is taken as readable, since connecting reports the missing
// library, and its passwords are found by SpansOf alone.
bool ReadableConnectionString(std::string_view url) {
  if (!LoadLibpq().empty()) return true;
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(std::string(url).c_str(), &error);
  if (error != nullptr) PQfreemem(error);
  if (options == nullptr) return false;
  PQconninfoFree(options);
  return true;
}

std::vector<std::string> PasswordsIn(std::string_view url) {
  std::vector<std::string> out;
  if (!LoadLibpq().empty()) return out;
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(std::string(url).c_str(), &error);
  if (error != nullptr) PQfreemem(error);
  if (options == nullptr) return out;
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (option->val == nullptr || *option->val == '\0') continue;
    const std::string_view keyword = option->keyword;
    if (keyword == "password") out.emplace_back(option->val);
    if (keyword == "dbname" && std::string_view(option->val) != url) {
      for (std::string& inner : PasswordsIn(option->val)) out.push_back(std::move(inner));
    }
  }
  PQconninfoFree(options);
  return out;
}

std::string RedactUrl(std::string_view url) {
  std::string text(url);
  std::vector<Span> spans = SpansOf(url);
  std::vector<std::string> found;
  for (const Span& s : spans) {
    found.emplace_back(url.substr(s.begin, s.end - s.begin));
    found.push_back(PercentDecoded(found.back()));
  }
  // Right to left, so that earlier spans keep their offsets.
  std::sort(spans.begin(), spans.end(),
            [](const Span& a, const Span& b) { return a.begin > b.begin; });
  std::size_t limit = text.size();
  for (const Span& s : spans) {
    if (s.end > limit || s.begin > s.end) continue;  // nested in one already hidden
    text.replace(s.begin, s.end - s.begin, kHidden);
    limit = s.begin;
  }
  // A password libpq reads where the spans above did not look: hidden wherever it appears.
  for (const std::string& password : PasswordsIn(url)) {
    const bool hidden = std::any_of(found.begin(), found.end(), [&](const std::string& f) {
      return f.find(password) != std::string::npos;
    });
    if (!hidden) ReplaceAll(text, password, kHidden);
  }
  return text;
}

namespace {

// Longest first, so that a secret that contains another is hidden whole; no duplicates.
void SortLongestFirst(std::vector<std::string>& secrets) {
  std::erase_if(secrets, [](const std::string& s) { return s.empty(); });
  std::sort(secrets.begin(), secrets.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  secrets.erase(std::unique(secrets.begin(), secrets.end()), secrets.end());
}

void Hide(std::string& text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (secret.size() >= kShortSecret) {
      ReplaceAll(text, secret, kHidden);
    } else {
      ReplaceAll(text, "\"" + secret + "\"", "\"***\"");
    }
  }
}

}  // namespace

Redactor::Redactor(std::string_view url) {
  Add(url);
  if (const char* env = std::getenv("PGPASSWORD"); env != nullptr) secrets_.emplace_back(env);
  SortLongestFirst(secrets_);
}

void Redactor::Add(std::string_view url) {
  urls_.emplace_back(url, RedactUrl(url));
  // The longest first, so that a string that holds another is replaced whole.
  std::sort(urls_.begin(), urls_.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (std::string& password : PasswordsIn(url)) secrets_.push_back(std::move(password));
  for (const Span& s : SpansOf(url)) {
    const std::string written(url.substr(s.begin, s.end - s.begin));
    secrets_.push_back(PercentDecoded(written));
    secrets_.push_back(written);
    // Written with an unencoded delimiter, it is split where libpq splits it.
    for (std::size_t begin = 0; begin < written.size();) {
      const std::size_t end =
          std::min(written.find_first_of(kUriDelimiters, begin), written.size());
      if (end > begin && end - begin < written.size())
        pieces_.push_back(written.substr(begin, end - begin));
      begin = end + 1;
    }
  }
  SortLongestFirst(secrets_);
  SortLongestFirst(pieces_);
}

std::string Redactor::operator()(std::string text) const {
  for (const auto& [url, shown] : urls_) {
    if (!url.empty() && url != shown) ReplaceAll(text, url, shown);
  }
  Hide(text, secrets_);
  return text;
}

std::string Redactor::ConnectionFailure(std::string text) const {
  text = (*this)(std::move(text));
  Hide(text, pieces_);
  return text;
}

void Redactor::Apply(nlohmann::json& value) const {
  if (value.is_string()) {
    value = (*this)(value.get<std::string>());
  } else if (value.is_structured()) {
    for (nlohmann::json& item : value) Apply(item);
  }
}

}  // namespace pgshift::runner
