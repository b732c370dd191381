#include "parser/large_stack.h"

#include <pthread.h>

#include <exception>

namespace pgshift::parser {
namespace {

thread_local bool on_large_stack = false;

struct Job {
  const std::function<void()>* work;
  std::exception_ptr error;
};

void* Run(void* argument) {
  auto* job = static_cast<Job*>(argument);
  on_large_stack = true;
  try {
    (*job->work)();
  } catch (...) {
    job->error = std::current_exception();
  }
  return nullptr;
}

}  // namespace

void RunWithLargeStack(const std::function<void()>& work) {
  if (on_large_stack) {
    work();
    return;
  }
  Job job{&work, nullptr};
  pthread_attr_t attributes;
  pthread_t thread;
  bool started = false;
  if (pthread_attr_init(&attributes) == 0) {
    started = pthread_attr_setstacksize(&attributes, kLargeStackBytes) == 0 &&
              pthread_create(&thread, &attributes, Run, &job) == 0;
    pthread_attr_destroy(&attributes);
  }
  if (!started) {
    work();  // no thread to be had (address space exhausted): the caller's stack it is
    return;
  }
  pthread_join(thread, nullptr);
  if (job.error) std::rethrow_exception(job.error);
}

}  // namespace pgshift::parser
