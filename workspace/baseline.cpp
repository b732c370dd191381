#include "workspace/baseline.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include "parser/source_text.h"
#include "workspace/release_paths.h"

namespace pgshift::workspace {
namespace {

constexpr int kBaselineVersion = 1;

// The text of `span` without comments, whitespace runs collapsed to one space. `comments` are
// in file order, as the splitter returns them.
std::string Normalized(std::string_view text, const parser::Span& span,
                       const std::vector<parser::Comment>& comments) {
  std::string out;
  bool space = false;
  auto comment =
      std::lower_bound(comments.begin(), comments.end(), span.begin,
                       [](const parser::Comment& c, std::size_t at) { return c.span.end <= at; });
  for (std::size_t i = span.begin; i < span.end && i < text.size(); ++i) {
    if (comment != comments.end() && comment->span.begin <= i) {
      i = comment->span.end - 1;
      ++comment;
      space = true;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(text[i]))) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += text[i];
  }
  return out;
}

std::string Hash(std::string_view text) {
  std::uint64_t hash = 1469598103934665603ull;  // FNV-1a
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  static const char* kHex = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4) out[i] = kHex[hash & 15];
  return out;
}

std::string RelativeTo(const std::string& file, const std::filesystem::path& baseline_file) {
  const std::filesystem::path directory =
      CanonicalPath(baseline_file.parent_path().empty() ? std::filesystem::current_path()
                                                        : baseline_file.parent_path());
  return std::filesystem::path(CanonicalPath(file)).lexically_relative(directory).generic_string();
}

std::string PositionIn(std::string_view text, std::size_t offset) {
  const parser::LineColumn at = parser::PositionIn(text, offset);
  return std::to_string(at.line) + ":" + std::to_string(at.column);
}

}  // namespace

std::string FingerprintIn(std::string_view text, const parser::SplitResult& split,
                          const parser::Span& span) {
  for (const parser::RawStatement& statement : split.statements) {
    if (statement.span.begin <= span.begin && span.begin < statement.span.end) {
      return Hash(Normalized(text, statement.span, split.comments));
    }
  }
  // Outside every statement (a comment, say): the line it starts on.
  std::size_t line_begin =
      span.begin == 0 ? std::string_view::npos : text.rfind('\n', span.begin - 1);
  line_begin = line_begin == std::string_view::npos ? 0 : line_begin + 1;
  std::size_t line_end = text.find('\n', span.begin);
  if (line_end == std::string_view::npos) line_end = text.size();
  return Hash(Normalized(text, {line_begin, line_end}, {}));
}

std::string Fingerprint(std::string_view text, const parser::Span& span) {
  return FingerprintIn(text, parser::SplitStatements(text), span);
}

std::vector<BaselineEntry> BaselineOf(const std::vector<LintedFile>& files,
                                      const std::filesystem::path& baseline_file) {
  std::vector<BaselineEntry> entries;
  for (const LintedFile& file : files) {
    const std::string relative = RelativeTo(file.report.path, baseline_file);
    const parser::SplitResult split = parser::SplitStatements(file.source.text());
    for (const rules::Finding& finding : file.report.findings) {
      entries.push_back({finding.rule, relative,
                         FingerprintIn(file.source.text(), split, finding.span), finding.start.line,
                         finding.message});
    }
  }
  std::sort(entries.begin(), entries.end(), [](const BaselineEntry& a, const BaselineEntry& b) {
    return std::tie(a.file, a.line, a.rule, a.fingerprint) <
           std::tie(b.file, b.line, b.rule, b.fingerprint);
  });
  return entries;
}

std::string BaselineJson(const std::vector<BaselineEntry>& entries) {
  nlohmann::ordered_json findings = nlohmann::ordered_json::array();
  for (const BaselineEntry& e : entries) {
    findings.push_back({{"rule", e.rule},
                        {"file", e.file},
                        {"fingerprint", e.fingerprint},
                        {"line", e.line},
                        {"message", e.message}});
  }
  nlohmann::ordered_json root = {{"pgshift_baseline", kBaselineVersion}, {"findings", findings}};
  return root.dump(2) + "\n";
}

std::variant<std::vector<BaselineEntry>, std::string> ReadBaseline(
    const std::filesystem::path& baseline_file) {
  const std::string name = baseline_file.string();
  std::ifstream in(baseline_file, std::ios::binary);
  if (!in) return name + ": cannot read the baseline file";
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = std::move(buffer).str();
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    return name + ":" + PositionIn(text, error.byte == 0 ? 0 : error.byte - 1) +
           ": not a baseline (invalid JSON); write one with `pgshift baseline`";
  }
  if (!root.is_object() || root.value("pgshift_baseline", 0) != kBaselineVersion ||
      !root.contains("findings") || !root["findings"].is_array()) {
    return name +
           ": not a pgshift baseline (expected {\"pgshift_baseline\": 1, \"findings\": [...]})";
  }
  std::vector<BaselineEntry> entries;
  std::size_t index = 0;
  for (const nlohmann::json& item : root["findings"]) {
    for (const char* key : {"rule", "file", "fingerprint"}) {
      if (!item.is_object() || !item.contains(key) || !item[key].is_string()) {
        return name + ": findings[" + std::to_string(index) + "]: `" + key + "` must be a string";
      }
    }
    entries.push_back({item["rule"], item["file"], item["fingerprint"], item.value("line", 0),
                       item.value("message", std::string())});
    ++index;
  }
  return entries;
}

BaselineFilter::BaselineFilter(const std::vector<BaselineEntry>& baseline,
                               std::filesystem::path baseline_file)
    : baseline_(baseline), baseline_file_(std::move(baseline_file)) {
  for (const BaselineEntry& e : baseline_) ++accepted_[{e.rule, e.file, e.fingerprint}];
}

void BaselineFilter::Apply(LintedFile& file) {
  const std::string relative = RelativeTo(file.report.path, baseline_file_);
  // An unreadable file has no findings to compare: its entries are not known to be stale.
  if (!file.report.unreadable) linted_.insert(relative);
  if (file.report.findings.empty()) return;
  const parser::SplitResult split = parser::SplitStatements(file.source.text());
  std::erase_if(file.report.findings, [&](const rules::Finding& finding) {
    auto it = accepted_.find(
        {finding.rule, relative, FingerprintIn(file.source.text(), split, finding.span)});
    if (it == accepted_.end() || it->second == 0) return false;
    --it->second;
    ++removed_;
    return true;
  });
}

std::vector<BaselineEntry> BaselineFilter::Stale() const {
  std::map<Key, std::size_t> left = accepted_;
  std::vector<BaselineEntry> stale;
  for (const BaselineEntry& e : baseline_) {
    if (linted_.count(e.file) == 0) continue;
    auto it = left.find({e.rule, e.file, e.fingerprint});
    if (it == left.end() || it->second == 0) continue;
    --it->second;  // one left-over count, one stale entry
    stale.push_back(e);
  }
  return stale;
}

std::size_t ApplyBaseline(std::vector<LintedFile>& files,
                          const std::vector<BaselineEntry>& baseline,
                          const std::filesystem::path& baseline_file,
                          std::vector<BaselineEntry>* stale) {
  BaselineFilter filter(baseline, baseline_file);
  for (LintedFile& file : files) filter.Apply(file);
  if (stale != nullptr) *stale = filter.Stale();
  return filter.removed();
}

}  // namespace pgshift::workspace
