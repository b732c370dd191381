// Defines libpq's functions (runner/libpq/functions.h) in pgshift itself, each calling libpq's
// own through dlopen and dlsym on first use: the binary does not list libpq.so.5 as needed.
#include "runner/libpq/loader.h"

#include <dlfcn.h>
#include <libpq-fe.h>

#include <stdexcept>

namespace pgshift::runner {
namespace {

struct Library {
  void* handle = nullptr;
  std::string error;
};

const Library& Loaded() {
  static const Library library = [] {
    Library loaded;
    // RTLD_LOCAL: libpq's symbols stay out of the global scope, where they would meet these.
    loaded.handle = dlopen(kLibpqSoname, RTLD_NOW | RTLD_LOCAL);
    if (loaded.handle == nullptr) {
      const char* why = dlerror();
      loaded.error = std::string("pgshift needs libpq to talk to PostgreSQL, and it could not be loaded: ") +
                     (why != nullptr ? why : kLibpqSoname) +
                     " (on Debian and Ubuntu: apt-get install libpq5)";
    }
    return loaded;
  }();
  return library;
}

// libpq's own `name`, as a pointer of type Function.
template <typename Function>
Function Resolve(const char* name) {
  const Library& library = Loaded();
  if (library.handle == nullptr) throw std::runtime_error(library.error);
  void* symbol = dlsym(library.handle, name);
  if (symbol == nullptr) {
    throw std::runtime_error(std::string("the libpq loaded (") + kLibpqSoname + ") lacks " + name +
                             "; pgshift needs libpq 15 or later");
  }
  return reinterpret_cast<Function>(symbol);
}

}  // namespace

std::string LoadLibpq() { return Loaded().error; }

}  // namespace pgshift::runner

// Each definition resolves libpq's function once (a thread-safe static) and calls it.
#define PGSHIFT_LIBPQ_FUNCTION(Return, name, parameters, arguments)                     \
  extern "C" Return name parameters {                                                   \
    static const auto real = pgshift::runner::Resolve<decltype(&name)>(#name);           \
    return real arguments;                                                              \
  }
#include "runner/libpq/functions.h"
#undef PGSHIFT_LIBPQ_FUNCTION
