#include "workspace/git.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <map>
#include <optional>

#include "runner/process.h"

namespace pgshift::workspace {
namespace {

std::string FirstLine(std::string_view text) {
  const std::size_t end = text.find('\n');
  return std::string(end == std::string_view::npos ? text : text.substr(0, end));
}

// Reading must not write: no index refresh, no lock taken in the user's repository.
const std::map<std::string, std::string> kGitEnvironment = {{"GIT_OPTIONAL_LOCKS", "0"},
                                                            {"GIT_TERMINAL_PROMPT", "0"}};

// `git diff --name-status -z` output: status NUL path NUL, repeated.
std::vector<ChangedPath> ParseNameStatus(std::string_view out) {
  std::vector<ChangedPath> changes;
  std::size_t i = 0;
  while (i < out.size()) {
    const std::size_t status_end = out.find('\0', i);
    if (status_end == std::string_view::npos) break;
    const std::size_t path_end = out.find('\0', status_end + 1);
    if (path_end == std::string_view::npos) break;
    changes.push_back({out[i], std::string(out.substr(status_end + 1, path_end - status_end - 1))});
    i = path_end + 1;
  }
  return changes;
}

GitLocator::Answer AskGit(const std::filesystem::path& directory) {
  const runner::ProcessResult run = runner::RunProcess(
      {"git", "-C", directory.string(), "rev-parse", "--show-toplevel"}, {.env = kGitEnvironment});
  return {run.started, run.exit_code, run.out, run.err};
}

bool Exists(const std::filesystem::path& path) {
  struct stat info;
  // Anything but a plain "no such entry" (a permission refused, a loop) stops the walk: git
  // answers.
  return ::lstat(path.c_str(), &info) == 0 || errno != ENOENT;
}

// Where git's search for the repository of `directory` gives the same answer as from `directory`:
// git goes up from the directory's real path until a directory holds `.git` or is a repository
// itself, or until the file system changes. Nothing when git should be asked from `directory`
// itself (the environment steers the search, or the directory is not one).
std::optional<std::filesystem::path> SameAnswerAs(const std::filesystem::path& directory) {
  for (const char* steering : {"GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR",
                               "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM"}) {
    if (std::getenv(steering) != nullptr) return std::nullopt;
  }
  std::error_code error;
  std::filesystem::path here = std::filesystem::canonical(directory, error);
  if (error || !std::filesystem::is_directory(here, error) || error) return std::nullopt;
  struct stat info;
  if (::stat(here.c_str(), &info) != 0) return std::nullopt;
  const dev_t device = info.st_dev;
  while (true) {
    // `.git` (a directory or a file), or HEAD: a repository, or a place git looks at closely.
    if (Exists(here / ".git") || Exists(here / "HEAD")) return here;
    const std::filesystem::path parent = here.parent_path();
    if (parent == here) return here;
    if (::stat(parent.c_str(), &info) != 0 || info.st_dev != device) return here;
    here = parent;
  }
}

}  // namespace

GitLocator::Answer GitLocator::Ask(const std::filesystem::path& directory) {
  const std::optional<std::filesystem::path> place = SameAnswerAs(directory);
  if (!place) {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      ++asked_;
    }
    return AskGit(directory);
  }
  std::shared_ptr<Entry> entry;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    std::shared_ptr<Entry>& slot = entries_[*place];
    if (slot == nullptr) slot = std::make_shared<Entry>();
    entry = slot;
  }
  std::call_once(entry->once, [&] {
    entry->answer = AskGit(*place);
    const std::lock_guard<std::mutex> lock(mutex_);
    ++asked_;
  });
  return entry->answer;
}

std::size_t GitLocator::asked() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return asked_;
}

GitResult<std::string> Git::Run(const std::vector<std::string>& args,
                                std::string stdin_data) const {
  std::vector<std::string> argv{"git", "-C", top_.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  const runner::ProcessResult run =
      runner::RunProcess(argv, {.stdin_data = std::move(stdin_data), .env = kGitEnvironment});
  if (!run.started) return GitError{"git is not installed (or not on PATH)", true};
  if (run.exit_code != 0) {
    return GitError{"git " + args.front() + ": " + FirstLine(run.err.empty() ? run.out : run.err)};
  }
  return run.out;
}

GitResult<Git> Git::Open(const std::filesystem::path& directory) {
  return FromAnswer(directory, AskGit(directory));
}

GitResult<Git> Git::Open(const std::filesystem::path& directory, GitLocator& locator) {
  return FromAnswer(directory, locator.Ask(directory));
}

GitResult<Git> Git::FromAnswer(const std::filesystem::path& directory,
                               const GitLocator::Answer& run) {
  if (!run.started) return GitError{"git is not installed (or not on PATH)", true};
  if (run.exit_code != 0) {
    return GitError{directory.string() + " is not in a git work tree (" + FirstLine(run.err) + ")",
                    true};
  }
  return Git(std::filesystem::path(FirstLine(run.out)));
}

GitResult<std::string> Git::ResolveCommit(std::string_view revision) const {
  auto out = Run({"rev-parse", "--verify", "--quiet", "--end-of-options",
                  std::string(revision) + "^{commit}"});
  if (auto* error = std::get_if<GitError>(&out)) {
    if (error->unavailable) return *error;
    return GitError{"`" + std::string(revision) + "` names no commit in " + top_.string()};
  }
  return FirstLine(std::get<std::string>(out));
}

GitResult<std::vector<ChangedPath>> Git::Diff(std::string_view base, std::string_view head) const {
  auto out = Run({"diff", "--name-status", "-z", "--no-renames", "--no-ext-diff",
                  std::string(base) + "..." + std::string(head), "--"});
  if (auto* error = std::get_if<GitError>(&out)) return *error;
  return ParseNameStatus(std::get<std::string>(out));
}

GitResult<std::vector<std::pair<std::string, std::string>>> Git::Renames(
    std::string_view base, std::string_view head) const {
  auto out = Run({"diff", "--name-status", "-z", "-M", "--diff-filter=R", "--no-ext-diff",
                  std::string(base), std::string(head), "--"});
  if (auto* error = std::get_if<GitError>(&out)) return *error;
  // "R<score>" NUL former NUL new NUL, for each rename.
  const std::string& text = std::get<std::string>(out);
  std::vector<std::string> fields;
  for (std::size_t i = 0, end; i < text.size(); i = end + 1) {
    end = text.find('\0', i);
    if (end == std::string::npos) end = text.size();
    fields.push_back(text.substr(i, end - i));
  }
  std::vector<std::pair<std::string, std::string>> renames;
  for (std::size_t i = 0; i + 2 < fields.size(); i += 3) {
    if (fields[i].starts_with('R')) renames.emplace_back(fields[i + 1], fields[i + 2]);
  }
  return renames;
}

GitResult<std::vector<ChangedPath>> Git::ChangedSince(std::string_view ref) const {
  auto out = Run({"diff", "--name-status", "-z", "--no-renames", "--no-ext-diff", "--merge-base",
                  std::string(ref), "--"});
  if (auto* error = std::get_if<GitError>(&out)) return *error;
  std::vector<ChangedPath> changes = ParseNameStatus(std::get<std::string>(out));
  auto untracked =
      Run({"ls-files", "-z", "--others", "--exclude-standard", "--full-name", "--", ":/"});
  if (auto* error = std::get_if<GitError>(&untracked)) return *error;
  const std::string& list = std::get<std::string>(untracked);
  for (std::size_t i = 0, end; i < list.size(); i = end + 1) {
    end = list.find('\0', i);
    if (end == std::string::npos) end = list.size();
    if (end > i) changes.push_back({'A', list.substr(i, end - i)});
  }
  return changes;
}

GitResult<std::vector<TreeFile>> Git::ListTree(std::string_view commit) const {
  auto out = Run({"ls-tree", "-r", "-z", "-l", "--full-tree", std::string(commit)});
  if (auto* error = std::get_if<GitError>(&out)) return *error;
  const std::string& text = std::get<std::string>(out);
  std::vector<TreeFile> files;
  // <mode> SP <type> SP <object> SP+ <size> TAB <path> NUL
  for (std::size_t i = 0, end; i < text.size(); i = end + 1) {
    end = text.find('\0', i);
    if (end == std::string::npos) end = text.size();
    const std::string_view entry(text.data() + i, end - i);
    const std::size_t tab = entry.find('\t');
    if (tab == std::string_view::npos || !entry.starts_with("100")) continue;  // not a regular file
    const std::string_view meta = entry.substr(0, tab);
    const std::size_t type_end = meta.find(' ', meta.find(' ') + 1);
    const std::size_t blob_end = meta.find(' ', type_end + 1);
    if (type_end == std::string_view::npos || blob_end == std::string_view::npos) continue;
    TreeFile file;
    file.blob = std::string(meta.substr(type_end + 1, blob_end - type_end - 1));
    std::string_view size = meta.substr(blob_end);
    while (!size.empty() && size.front() == ' ') size.remove_prefix(1);
    for (char c : size) file.size = file.size * 10 + static_cast<std::size_t>(c - '0');
    file.path = std::string(entry.substr(tab + 1));
    files.push_back(std::move(file));
  }
  return files;
}

GitResult<std::vector<std::string>> Git::Tags() const {
  auto out = Run({"for-each-ref", "--format=%(refname:strip=2)", "refs/tags"});
  if (auto* error = std::get_if<GitError>(&out)) return *error;
  std::vector<std::string> tags;
  const std::string& text = std::get<std::string>(out);
  for (std::size_t i = 0, end; i < text.size(); i = end + 1) {
    end = text.find('\n', i);
    if (end == std::string::npos) end = text.size();
    if (end > i) tags.push_back(text.substr(i, end - i));
  }
  return tags;
}

GitResult<bool> Git::IsShallow() const {
  auto out = Run({"rev-parse", "--is-shallow-repository"});
  if (auto* error = std::get_if<GitError>(&out)) return *error;
  return FirstLine(std::get<std::string>(out)) == "true";
}

GitResult<std::vector<std::string>> Git::ObjectIds(const std::vector<std::string>& names) const {
  std::string request;
  for (const std::string& name : names) request += name + "\n";
  auto out = Run({"cat-file", "--batch-check=%(objectname)"}, std::move(request));
  if (auto* error = std::get_if<GitError>(&out)) return *error;
  const std::string& text = std::get<std::string>(out);
  std::vector<std::string> ids;
  // One line per name: the object id, or "<name> missing" (or "ambiguous").
  for (std::size_t i = 0, end; i < text.size() && ids.size() < names.size(); i = end + 1) {
    end = text.find('\n', i);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(i, end - i);
    ids.push_back(line.find(' ') == std::string::npos ? line : std::string());
  }
  if (ids.size() != names.size()) return GitError{"git cat-file: output ended early"};
  return ids;
}

std::optional<GitError> Git::ReadBlobs(
    const std::vector<TreeFile>& blobs,
    const std::function<void(std::size_t, std::string_view)>& read) const {
  constexpr std::size_t kBatchBytes = 32 << 20;
  std::size_t next = 0;
  while (next < blobs.size()) {
    // One git process per batch keeps the output held in memory bounded.
    const std::size_t first = next;
    std::string request;
    for (std::size_t bytes = 0; next < blobs.size() && (next == first || bytes < kBatchBytes);
         ++next) {
      request += blobs[next].blob + "\n";
      bytes += blobs[next].size;
    }
    auto out = Run({"cat-file", "--batch"}, std::move(request));
    if (auto* error = std::get_if<GitError>(&out)) return *error;
    const std::string& text = std::get<std::string>(out);
    std::size_t at = 0;
    for (std::size_t index = first; index < next; ++index) {
      // <oid> SP <type> SP <size> LF <contents> LF, or <oid> SP missing LF
      const std::size_t header_end = text.find('\n', at);
      if (header_end == std::string::npos) return GitError{"git cat-file: output ended early"};
      const std::string_view header(text.data() + at, header_end - at);
      const std::size_t space = header.rfind(' ');
      if (header.ends_with(" missing") || space == std::string_view::npos) {
        at = header_end + 1;
        continue;
      }
      std::size_t size = 0;
      for (char c : header.substr(space + 1)) size = size * 10 + static_cast<std::size_t>(c - '0');
      if (header_end + 1 + size > text.size()) return GitError{"git cat-file: output ended early"};
      read(index, std::string_view(text.data() + header_end + 1, size));
      at = header_end + 1 + size + 1;
    }
  }
  return std::nullopt;
}

std::optional<RevisionRange> ParseRange(std::string_view text) {
  RevisionRange range;
  std::size_t dots = text.find("...");
  std::size_t width = 3;
  if (dots == std::string_view::npos) {
    dots = text.find("..");
    width = 2;
  }
  if (dots == std::string_view::npos) {
    range.base = std::string(text);
    range.head = "HEAD";
  } else {
    range.base = std::string(text.substr(0, dots));
    range.head = std::string(text.substr(dots + width));
    if (range.head.empty()) range.head = "HEAD";
  }
  if (range.base.empty() || range.base.starts_with("-") || range.head.starts_with("-")) {
    return std::nullopt;
  }
  return range;
}

}  // namespace pgshift::workspace
