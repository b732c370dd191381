// Where a lint run's files go. Each finished file is first made into what the caller keeps of it,
// on the thread that finished it and in any order (Keep); what is kept is then handed over in
// input order (Take). A report makes a file's part of it in Keep: the files a thread finishes
// while a long history is still being checked before them in the order are written as that thread
// goes, and let go, instead of being kept whole and written at the end by the history's thread.
#pragma once

#include <functional>
#include <memory>
#include <utility>

#include "workspace/linted_file.h"

namespace pgshift::workspace {

class FileSink {
 public:
  // What is kept of a file until its turn.
  class Kept {
   public:
    virtual ~Kept() = default;
  };

  virtual ~FileSink() = default;
  // Called on several threads at once.
  virtual std::unique_ptr<Kept> Keep(LintedFile&& file) = 0;
  // Called in input order, on one thread at a time.
  virtual void Take(std::unique_ptr<Kept> kept) = 0;
};

// The files themselves, handed to `take` in input order.
class WholeFileSink final : public FileSink {
 public:
  explicit WholeFileSink(std::function<void(LintedFile&&)> take) : take_(std::move(take)) {}

  std::unique_ptr<Kept> Keep(LintedFile&& file) override {
    return std::make_unique<Whole>(std::move(file));
  }
  void Take(std::unique_ptr<Kept> kept) override {
    take_(std::move(static_cast<Whole&>(*kept).file));
  }

 private:
  struct Whole final : Kept {
    explicit Whole(LintedFile&& f) : file(std::move(f)) {}
    LintedFile file;
  };
  std::function<void(LintedFile&&)> take_;
};

}  // namespace pgshift::workspace
