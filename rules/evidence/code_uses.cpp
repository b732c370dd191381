#include "rules/evidence/code_uses.h"

#include <algorithm>
#include <unordered_set>

#include "rules/evidence/naming.h"
#include "rules/evidence/reader.h"

namespace pgshift::rules::evidence {
namespace {

std::string LowerFirst(std::string_view name) {
  std::string out(name);
  if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z') out[0] = static_cast<char>(out[0] - 'A' + 'a');
  return out;
}

void AddUnique(std::vector<std::string>& words, std::string word) {
  if (!word.empty() && std::find(words.begin(), words.end(), word) == words.end()) {
    words.push_back(std::move(word));
  }
}

}  // namespace

// --- CodeLibrary -----------------------------------------------------------------------------

void CodeLibrary::IndexWords(FileId file, const CodeText& code) {
  const std::string_view text = code.code;
  std::unordered_map<std::string_view, std::uint32_t> first_line;
  std::uint32_t line = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!IsWordByte(c)) {
      if (c == '\n') ++line;
      ++i;
      continue;
    }
    const std::size_t begin = i;
    while (i < text.size() && IsWordByte(static_cast<unsigned char>(text[i]))) ++i;
    // Numbers are never names, and one letter names nothing a database holds.
    if ((c >= '0' && c <= '9') || i - begin < 2) continue;
    first_line.try_emplace(text.substr(begin, i - begin), line);
  }
  for (const auto& [word, at] : first_line) {
    auto found = postings_.find(std::string(word));
    if (found == postings_.end()) found = postings_.emplace(std::string(word), std::vector<Posting>{}).first;
    found->second.push_back({file, at});
  }
}

CodeLibrary::FileId CodeLibrary::Add(const std::string& path, std::string_view text,
                                     const std::string& key) {
  std::string lookup;
  if (!key.empty()) {
    lookup = path + '\n' + key;
    if (const auto found = by_key_.find(lookup); found != by_key_.end()) return found->second;
  }
  const auto id = static_cast<FileId>(files_.size());
  if (!lookup.empty()) by_key_.emplace(std::move(lookup), id);
  const FileClass file_class = ClassifyFile(path, text);
  files_.push_back({path, file_class, {}});
  if (file_class != FileClass::kCode && file_class != FileClass::kGenerated) return id;
  const std::vector<const EvidenceReader*>& readers = AllReaders();
  if (file_class == FileClass::kGenerated &&
      std::none_of(readers.begin(), readers.end(),
                   [](const EvidenceReader* r) { return r->reads_generated; })) {
    return id;
  }
  const CodeText code = ReadCode(path, text);
  FileEvidence evidence;
  for (const EvidenceReader* reader : readers) {
    if (file_class == FileClass::kGenerated && !reader->reads_generated) continue;
    if (reader->accepts(code)) reader->read(code, evidence);
  }
  files_[id].evidence = std::move(evidence);
  if (file_class == FileClass::kCode) IndexWords(id, code);
  return id;
}

CodeLibrary::FileId CodeLibrary::AddSkipped(const std::string& path, FileClass why) {
  files_.push_back({path, why, {}});
  return static_cast<FileId>(files_.size() - 1);
}

CodeLibrary::FileId CodeLibrary::AddEvidence(const std::string& path, FileEvidence evidence) {
  files_.push_back({path, FileClass::kCode, std::move(evidence)});
  return static_cast<FileId>(files_.size() - 1);
}

std::shared_ptr<const CodeUses> CodeLibrary::Snapshot(const std::vector<FileId>& ids) const {
  auto uses = std::make_shared<CodeUses>();
  uses->library_ = shared_from_this();
  uses->member_.assign(files_.size(), false);
  for (const FileId id : ids) {
    if (id >= files_.size() || uses->member_[id]) continue;
    uses->member_[id] = true;
    const File& file = files_[id];
    const bool read = file.file_class == FileClass::kCode ||
                      (file.file_class == FileClass::kGenerated && !file.evidence.uses.empty());
    if (!read) {
      ++uses->skipped_[file.file_class];
      continue;
    }
    ++uses->read_;
    for (std::uint32_t u = 0; u < file.evidence.uses.size(); ++u) {
      const Use& use = file.evidence.uses[u];
      if (use.table.empty()) {
        uses->untabled_.push_back({id, u});
      } else {
        uses->by_table_[use.table].push_back({id, u});
      }
    }
    for (const Model& model : file.evidence.models) uses->models_[model.table].push_back(&model);
    for (const auto& ignored : file.evidence.ignored) uses->ignored_.emplace(ignored, id);
    for (const std::string& table : file.evidence.complete_tables) {
      uses->complete_.insert(table);
      if (file.path.ends_with(".rs")) uses->diesel_.insert(table);
    }
    for (std::uint32_t w = 0; w < file.evidence.whole_loads.size(); ++w) {
      const WholeLoad& load = file.evidence.whole_loads[w];
      const auto [at, added] = uses->whole_loads_.try_emplace(load.table, CodeUses::UseRef{id, w});
      // The first by path, so that the one cited does not depend on the order files came in.
      if (!added && file.path < files_[at->second.file].path) at->second = {id, w};
    }
  }
  return uses;
}

// --- CodeUses --------------------------------------------------------------------------------

std::vector<std::string> CodeUses::NamingWords(std::string_view table) const {
  std::vector<std::string> words = TableWords(table);
  if (const auto found = models_.find(std::string(table)); found != models_.end()) {
    for (const Model* model : found->second) {
      AddUnique(words, model->name);
      AddUnique(words, LowerFirst(model->name));
      AddUnique(words, SnakeCase(model->name));
    }
  }
  return words;
}

std::vector<std::string> CodeUses::FieldWords(std::string_view table,
                                              std::string_view column) const {
  std::vector<std::string> words = ColumnWords(column);
  if (const auto found = models_.find(std::string(table)); found != models_.end()) {
    for (const Model* model : found->second) {
      for (const auto& [field, mapped] : model->fields) {
        if (mapped == column) AddUnique(words, field);
      }
    }
  }
  return words;
}

bool CodeUses::NamesTable(FileId file, std::string_view,
                          const std::vector<std::string>& table_words) const {
  for (const std::string& word : table_words) {
    const auto found = library_->postings_.find(word);
    if (found == library_->postings_.end()) continue;
    const auto& list = found->second;
    const auto at = std::lower_bound(
        list.begin(), list.end(), file,
        [](const CodeLibrary::Posting& p, FileId id) { return p.file < id; });
    if (at != list.end() && at->file == file) return true;
  }
  return false;
}

Evidence CodeUses::Find(std::string_view table, std::string_view column) const {
  struct Candidate {
    FileId file;
    int line;
    UseKind kind;
    std::string how;
  };
  std::vector<Candidate> found;
  const auto& files = library_->files_;
  Evidence evidence;
  const auto ignored =
      column.empty() ? ignored_.end() : ignored_.find({std::string(table), std::string(column)});
  const bool is_ignored = ignored != ignored_.end();
  if (is_ignored) evidence.ignored_in = files[ignored->second].path;

  std::unordered_set<FileId> mapping_files;  // files that name or map the table in a use
  // An ORM that lists every column of the table and not this one cannot read it: the column's
  // name in code is then something else (an API field, a front end), not a use.
  bool unlisted = !column.empty() && complete_.count(std::string(table)) > 0;
  if (const auto uses = by_table_.find(std::string(table)); uses != by_table_.end()) {
    for (const UseRef& ref : uses->second) {
      const Use& use = files[ref.file].evidence.uses[ref.use];
      if (use.column == column) unlisted = false;
      mapping_files.insert(ref.file);
      if (column.empty() && use.kind != UseKind::kNamedInFile) {
        found.push_back({ref.file, use.line, use.kind, use.how});
      } else if (!column.empty() && use.column == column && use.only_if_loaded_whole) {
        // Listed for the default select: a use only when some code has the table read whole.
        const auto load = whole_loads_.find(std::string(table));
        if (load == whole_loads_.end()) continue;
        const WholeLoad& how = files[load->second.file].evidence.whole_loads[load->second.use];
        found.push_back({ref.file, use.line, use.kind,
                         use.how + ", and " + how.how + " at " + files[load->second.file].path +
                             ":" + std::to_string(how.line)});
      } else if (!column.empty() && use.column == column) {
        found.push_back({ref.file, use.line, use.kind, use.how});
      } else if (!column.empty() && use.column == "*" && !is_ignored) {
        found.push_back({ref.file, use.line, UseKind::kModelAllColumns, use.how});
      }
    }
  }
  if (!column.empty()) {
    const std::vector<std::string> table_words = NamingWords(table);
    const auto names = [&](FileId file) {
      return mapping_files.count(file) > 0 || NamesTable(file, table, table_words);
    };
    for (const UseRef& ref : untabled_) {
      const Use& use = files[ref.file].evidence.uses[ref.use];
      if (use.column == column && names(ref.file)) {
        found.push_back({ref.file, use.line, use.kind, use.how});
      }
    }
    if (!is_ignored && !unlisted) {
      for (const std::string& word : FieldWords(table, column)) {
        const auto postings = library_->postings_.find(word);
        if (postings == library_->postings_.end()) continue;
        for (const CodeLibrary::Posting& p : postings->second) {
          if (!Has(p.file) || !names(p.file)) continue;
          // Rust reads a table Diesel's table! lists through Diesel: a path, a model field or
          // the default select, each read above. The bare name is something else (an API type).
          if (diesel_.count(std::string(table)) > 0 && files[p.file].path.ends_with(".rs")) continue;
          found.push_back({p.file, static_cast<int>(p.line), UseKind::kNamedInFile,
                           word + " in code of a file that names " + std::string(table)});
        }
      }
    }
  }
  // One place, one use: the strongest reading of it.
  std::sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) {
    if (a.file != b.file) return a.file < b.file;
    if (a.line != b.line) return a.line < b.line;
    return a.kind < b.kind;
  });
  found.erase(std::unique(found.begin(), found.end(),
                          [](const Candidate& a, const Candidate& b) {
                            return a.file == b.file && a.line == b.line;
                          }),
              found.end());
  std::sort(found.begin(), found.end(), [&](const Candidate& a, const Candidate& b) {
    if (a.kind != b.kind) return a.kind < b.kind;
    if (files[a.file].path != files[b.file].path) return files[a.file].path < files[b.file].path;
    return a.line < b.line;
  });
  evidence.total = found.size();
  for (std::size_t i = 0; i < found.size() && i < Evidence::kKept; ++i) {
    evidence.strongest.push_back(
        {files[found[i].file].path, found[i].line, found[i].kind, found[i].how});
  }
  return evidence;
}

std::string CodeUses::Summary() const {
  std::string text = std::to_string(read_) + " application file(s) read";
  std::string skipped;
  for (const auto& [why, count] : skipped_) {
    if (why == FileClass::kNotCode) continue;
    skipped += (skipped.empty() ? "" : ", ") + std::to_string(count) + " " +
               std::string(FileClassName(why));
  }
  if (!skipped.empty()) text += " (not evidence: " + skipped + ")";
  return text;
}

void CodeUsesBuilder::AddUse(const std::string& path, Use use) {
  FileEvidence evidence;
  evidence.uses.push_back(std::move(use));
  ids_.push_back(library_->AddEvidence(path, std::move(evidence)));
}

}  // namespace pgshift::rules::evidence
