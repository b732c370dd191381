// The uses of tables and columns in the application code of one commit, and the question the
// release rules ask of them: does this code use table T (or its column C), and where is the
// strongest evidence?
//
// A column counts as used where its table is named or mapped too: an ORM model of the table maps
// it, SQL names both in one statement, or its name (or the name of the model field mapped to it)
// appears in code of a file that also names the table (as a word: the table, its singular, its
// camelCase or PascalCase form, or the name of a model mapped to it). A column name in a file
// that never names its table, and anything in comments, is no use; nor is the name of a column
// that an ORM listing every column of the table (Diesel's table!, a Prisma model) leaves out. A
// column Diesel's table! lists is itself a use only where code of the commit loads its table
// whole (the default select), since that is the only way Diesel reads a column no code names.
//
// The files of both ends of a release are read into one CodeLibrary, each (path, content) once;
// a CodeUses is one commit's view of it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "rules/evidence/code_text.h"
#include "rules/evidence/file_class.h"
#include "rules/evidence/use.h"

namespace pgshift::rules::evidence {

struct CodeUse {
  std::string file;
  int line = 0;
  UseKind kind = UseKind::kNamedInFile;
  std::string how;

  std::string Place() const { return file + ":" + std::to_string(line); }
};

struct Evidence {
  std::vector<CodeUse> strongest;  // the first few, strongest first
  std::size_t total = 0;           // places (file and line) in all
  std::string ignored_in;          // the file whose ORM model is told to leave the column alone

  bool empty() const { return total == 0; }
  static constexpr std::size_t kKept = 3;
};

class CodeLibrary;

class CodeUses {
 public:
  // Uses of a table (`column` empty) or of one of its columns. Names as the database sees them.
  Evidence Find(std::string_view table, std::string_view column = {}) const;

  std::size_t files() const { return read_; }  // application files read
  const std::map<FileClass, std::size_t>& skipped() const { return skipped_; }
  // "412 application files read (skipped: 30 generated, 12 tests)"
  std::string Summary() const;

 private:
  friend class CodeLibrary;
  using FileId = std::uint32_t;
  struct UseRef {
    FileId file;
    std::uint32_t use;
  };

  bool Has(FileId file) const { return file < member_.size() && member_[file]; }
  bool NamesTable(FileId file, std::string_view table,
                  const std::vector<std::string>& table_words) const;
  std::vector<std::string> NamingWords(std::string_view table) const;
  std::vector<std::string> FieldWords(std::string_view table, std::string_view column) const;

  std::shared_ptr<const CodeLibrary> library_;
  std::vector<bool> member_;
  std::unordered_map<std::string, std::vector<UseRef>> by_table_;
  std::vector<UseRef> untabled_;
  std::unordered_map<std::string, std::vector<const Model*>> models_;
  std::map<std::pair<std::string, std::string>, FileId> ignored_;
  std::unordered_set<std::string> complete_;  // tables an ORM lists every column of
  std::unordered_set<std::string> diesel_;    // those a Diesel table! lists (in a .rs file)
  std::unordered_map<std::string, UseRef> whole_loads_;  // table -> the first code that loads it whole
  std::size_t read_ = 0;
  std::map<FileClass, std::size_t> skipped_;
};

class CodeLibrary : public std::enable_shared_from_this<CodeLibrary> {
 public:
  using FileId = std::uint32_t;

  // Reads one file with every reader that accepts it. A file already read under the same path
  // and `key` (what names its content, such as a git blob id) is not read again.
  FileId Add(const std::string& path, std::string_view text, const std::string& key = {});
  // A file not read at all, for the summary (not application code by its path or size).
  FileId AddSkipped(const std::string& path, FileClass why);
  // Uses known without reading (tests, fixtures).
  FileId AddEvidence(const std::string& path, FileEvidence evidence);

  // One commit's view: the files it holds.
  std::shared_ptr<const CodeUses> Snapshot(const std::vector<FileId>& files) const;

 private:
  friend class CodeUses;
  struct Posting {
    FileId file;
    std::uint32_t line;
  };
  struct File {
    std::string path;
    FileClass file_class = FileClass::kCode;
    FileEvidence evidence;
  };
  void IndexWords(FileId file, const CodeText& code);

  std::vector<File> files_;
  std::unordered_map<std::string, FileId> by_key_;
  // Each word of application code (not comments) with the files it is in, in file order, and
  // its first line there.
  std::unordered_map<std::string, std::vector<Posting>> postings_;
};

// One commit's code from a list of files, for callers that have it in memory (tests, guards).
class CodeUsesBuilder {
 public:
  CodeUsesBuilder() : library_(std::make_shared<CodeLibrary>()) {}
  void AddFile(const std::string& path, std::string_view text) { ids_.push_back(library_->Add(path, text)); }
  void AddUse(const std::string& path, Use use);
  std::shared_ptr<const CodeUses> Build() const { return library_->Snapshot(ids_); }

 private:
  std::shared_ptr<CodeLibrary> library_;
  std::vector<CodeLibrary::FileId> ids_;
};

}  // namespace pgshift::rules::evidence
