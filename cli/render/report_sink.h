// A lint run's files made into their parts of a report by the threads that finished them, and
// written in order (workspace/file_sink.h): the report of the files done while a long history is
// still being checked before them is made as they are done, not by the history's thread at the
// end.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "cli/render/renderer.h"
#include "workspace/file_sink.h"

namespace pgshift::cli {

class ReportSink final : public workspace::FileSink {
 public:
  // `each` sees every file's facts, in order, as its part is written.
  ReportSink(ReportWriter& writer, std::function<void(const FileFacts&)> each)
      : writer_(writer), each_(std::move(each)) {}

  std::unique_ptr<Kept> Keep(LintedFile&& file) override {
    auto part = std::make_unique<Part>();
    part->facts = FileFacts::Of(file);
    part->text = writer_.Part(file);
    return part;
  }
  void Take(std::unique_ptr<Kept> kept) override {
    const Part& part = static_cast<const Part&>(*kept);
    if (each_) each_(part.facts);
    writer_.Write(part.facts, part.text);
  }

 private:
  struct Part final : Kept {
    FileFacts facts;
    std::string text;
  };
  ReportWriter& writer_;
  std::function<void(const FileFacts&)> each_;
};

}  // namespace pgshift::cli
