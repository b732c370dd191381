#include <algorithm>

#include "rules/evidence/reader.h"

namespace pgshift::rules::evidence {
namespace {

std::vector<const EvidenceReader*>& MutableReaders() {
  static std::vector<const EvidenceReader*> readers;
  return readers;
}

}  // namespace

ReaderRegistration::ReaderRegistration(const EvidenceReader& reader) {
  MutableReaders().push_back(&reader);
}

const std::vector<const EvidenceReader*>& AllReaders() {
  // Readers register during static initialisation, before main (as rules do).
  static const std::vector<const EvidenceReader*> sorted = [] {
    std::vector<const EvidenceReader*> readers = MutableReaders();
    std::sort(readers.begin(), readers.end(),
              [](const EvidenceReader* a, const EvidenceReader* b) { return a->name < b->name; });
    return readers;
  }();
  return sorted;
}

std::string_view UseKindText(UseKind kind) {
  switch (kind) {
    case UseKind::kModelColumn:
      return "an ORM model maps the column";
    case UseKind::kSqlColumn:
      return "SQL names the table and the column";
    case UseKind::kModelAllColumns:
      return "an ORM model maps the table and writes every column";
    case UseKind::kModelTable:
      return "an ORM model maps the table";
    case UseKind::kSqlTable:
      return "SQL names the table";
    case UseKind::kTableString:
      return "the table's name is passed to a call";
    case UseKind::kNamedInFile:
      return "the column's name, in a file that names its table";
  }
  return "";
}

}  // namespace pgshift::rules::evidence
