// libpq is loaded when a command first talks to PostgreSQL, not when pgshift starts: `lint`,
// `rules` and the other commands that never connect do not map libpq and the two dozen libraries
// it brings (TLS, Kerberos, LDAP), which cost a process about 6 MiB and 8 ms at start, and they
// run where libpq5 is not installed.
#pragma once

#include <string>

namespace pgshift::runner {

// The file name loaded: libpq's soname.
inline constexpr const char* kLibpqSoname = "libpq.so.5";

// Loads libpq if it is not loaded yet. Empty when it is loaded; otherwise what stops it, with
// what to install. Every libpq function pgshift defines calls this and throws
// std::runtime_error with that text when libpq cannot be loaded.
std::string LoadLibpq();

}  // namespace pgshift::runner
