// Passwords never leave pgshift: targets are shown with their passwords replaced by ***, and every
// message about a connection (libpq's own included, which may quote parts of a connection string
// it cannot read) is cleaned of the passwords the connection string carries and of PGPASSWORD.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgshift::runner {

// The connection string (URL or key=value) with every password replaced by ***: how pgshift shows
// a target in output, progress, errors and the journal.
std::string RedactUrl(std::string_view url);

// Whether libpq reads `url` as a connection string at all (a URL or key=value pairs).
bool ReadableConnectionString(std::string_view url);

// The passwords a connection string carries, as libpq reads it (none when it does not parse).
std::vector<std::string> PasswordsIn(std::string_view url);

// Hides the secrets of one connection in free text.
class Redactor {
 public:
  Redactor() = default;
  // Secrets: the passwords in `url` as written, percent-decoded and as libpq reads them, and
  // PGPASSWORD.
  explicit Redactor(std::string_view url);
  // Hides the secrets of another connection as well (a standby read for throttling).
  void Add(std::string_view url);

  // `text` with the connection string shown redacted and every secret replaced by ***. Secrets
  // shorter than three characters are hidden only where quoted ("ab"), as libpq quotes values.
  std::string operator()(std::string text) const;
  // Every string in `value`, recursively.
  void Apply(nlohmann::json& value) const;
  // For libpq's message about a connection that failed: also hides the pieces of a password
  // written in a URL with an unencoded '/', '@', '?' or ':', which libpq splits there and quotes
  // as a host or port. (Elsewhere such short pieces would hide ordinary words.)
  std::string ConnectionFailure(std::string text) const;

 private:
  // Each connection string and its redacted form.
  std::vector<std::pair<std::string, std::string>> urls_;
  std::vector<std::string> secrets_;  // longest first
  std::vector<std::string> pieces_;   // longest first
};

}  // namespace pgshift::runner
