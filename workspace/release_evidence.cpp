#include "workspace/release_evidence.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace pgshift::workspace {

namespace evidence = rules::evidence;

GitResult<std::shared_ptr<const evidence::CodeUses>> CommitCodeUses(
    const Git& git, const std::string& commit, const ReleasePaths& paths,
    evidence::CodeLibrary& library) {
  auto tree = git.ListTree(commit);
  if (auto* error = std::get_if<GitError>(&tree)) return *error;
  const std::string top = CanonicalPath(git.top());
  std::vector<TreeFile> blobs;
  std::vector<std::string> names;
  std::vector<evidence::CodeLibrary::FileId> ids;
  for (TreeFile& file : std::get<std::vector<TreeFile>>(tree)) {
    const std::string canonical = top + "/" + file.path;
    if (!paths.IsCode(canonical)) continue;
    const std::string relative = paths.Relative(canonical);
    if (evidence::LanguageOf(relative) == evidence::Language::kOther) {
      ids.push_back(library.AddSkipped(relative, evidence::FileClass::kNotCode));
    } else if (file.size > evidence::kMaxEvidenceBytes) {
      ids.push_back(library.AddSkipped(relative, evidence::FileClass::kHuge));
    } else {
      names.push_back(relative);
      blobs.push_back(std::move(file));
    }
  }
  auto error = git.ReadBlobs(blobs, [&](std::size_t i, std::string_view contents) {
    ids.push_back(library.Add(names[i], contents, blobs[i].blob));
  });
  if (error) return *error;
  return library.Snapshot(ids);
}

std::shared_ptr<const evidence::CodeUses> WorkTreeCodeUses(const ReleasePaths& paths) {
  namespace fs = std::filesystem;
  auto library = std::make_shared<evidence::CodeLibrary>();
  std::vector<evidence::CodeLibrary::FileId> ids;
  std::error_code error;
  fs::recursive_directory_iterator it(paths.base(), fs::directory_options::skip_permission_denied,
                                      error);
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    const std::string canonical =
        paths.base() + "/" + it->path().lexically_relative(paths.base()).generic_string();
    const std::string relative = paths.Relative(canonical);
    std::error_code entry_error;
    if (it->is_directory(entry_error)) {
      if (it->path().filename().string().starts_with(".") || paths.SkipsDirectory(relative)) {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (!it->is_regular_file(entry_error) || !paths.IsCode(canonical)) continue;
    if (evidence::LanguageOf(relative) == evidence::Language::kOther) {
      ids.push_back(library->AddSkipped(relative, evidence::FileClass::kNotCode));
      continue;
    }
    if (it->file_size(entry_error) > evidence::kMaxEvidenceBytes) {
      ids.push_back(library->AddSkipped(relative, evidence::FileClass::kHuge));
      continue;
    }
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (in) ids.push_back(library->Add(relative, std::move(text).str()));
  }
  return library->Snapshot(ids);
}

}  // namespace pgshift::workspace
