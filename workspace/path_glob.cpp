#include "workspace/path_glob.h"

namespace pgshift::workspace {
namespace {

// Matches one segment against a segment pattern with `*` and `?`.
bool SegmentMatch(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<std::string_view> Split(std::string_view text) {
  std::vector<std::string_view> parts;
  while (true) {
    const std::size_t slash = text.find('/');
    parts.push_back(text.substr(0, slash));
    if (slash == std::string_view::npos) break;
    text.remove_prefix(slash + 1);
  }
  return parts;
}

bool Match(const std::vector<std::string_view>& pattern, std::size_t p,
           const std::vector<std::string_view>& path, std::size_t s) {
  if (p == pattern.size()) return s == path.size();
  if (pattern[p] == "**") {
    for (std::size_t skip = s; skip <= path.size(); ++skip) {
      if (Match(pattern, p + 1, path, skip)) return true;
    }
    return false;
  }
  return s < path.size() && SegmentMatch(pattern[p], path[s]) && Match(pattern, p + 1, path, s + 1);
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view path) {
  while (pattern.starts_with("./")) pattern.remove_prefix(2);
  std::string expanded;
  if (pattern.ends_with("/")) {
    expanded = std::string(pattern) + "**";
    pattern = expanded;
  }
  return Match(Split(pattern), 0, Split(path), 0);
}

bool GlobSet::Matches(std::string_view path) const {
  for (const std::string& pattern : patterns_) {
    if (GlobMatch(pattern, path)) return true;
  }
  return false;
}

bool GlobSet::CoversDirectory(std::string_view directory) const {
  for (const std::string& pattern : patterns_) {
    std::string_view prefix = pattern;
    if (prefix.ends_with("/")) {
      prefix.remove_suffix(1);
    } else if (prefix.ends_with("/**")) {
      prefix.remove_suffix(3);
    } else {
      continue;
    }
    if (GlobMatch(prefix, directory)) return true;
  }
  return false;
}

}  // namespace pgshift::workspace
