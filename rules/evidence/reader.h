// A reader of application code: one file per ecosystem in rules/evidence/readers/, pure (the
// text of one file in, the uses it finds out), registered like a rule:
//
//   namespace {
//   void Read(const CodeText& code, FileEvidence& out) { ... }
//   constexpr EvidenceReader kReader{.name = "prisma", ...};
//   }  // namespace
//   PGSHIFT_REGISTER_EVIDENCE_READER(kReader);
#pragma once

#include <string_view>
#include <vector>

#include "rules/evidence/code_text.h"
#include "rules/evidence/use.h"

namespace pgshift::rules::evidence {

struct EvidenceReader {
  std::string_view name;      // kebab-case, equal to the file name with '-' for '_'
  std::string_view what;      // what it reads, for the docs: "Prisma models: @@map, @map, fields"
  bool reads_generated = false;  // reads files made by a generator (Diesel's schema.rs)
  bool (*accepts)(const CodeText& code) = nullptr;  // a cheap test of language and content
  void (*read)(const CodeText& code, FileEvidence& out) = nullptr;
};

// Every registered reader, sorted by name.
const std::vector<const EvidenceReader*>& AllReaders();

struct ReaderRegistration {
  explicit ReaderRegistration(const EvidenceReader& reader);
};

}  // namespace pgshift::rules::evidence

#define PGSHIFT_REGISTER_EVIDENCE_READER(reader)                                      \
  static const ::pgshift::rules::evidence::ReaderRegistration kPgshiftReaderRegistration{ \
      reader}
