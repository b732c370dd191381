// A fleet file: the databases one plan rolls out to, in waves, with the health gate that must keep
// passing between waves. Reading it is pure (text in, fleet or every error out).
//
//   soak = "30s"                    # how long the gate must keep passing after a wave (default 0)
//   check_every = "5s"              # how often the gate is checked while soaking (default 5s)
//   gate = "SELECT count(*) = 0 FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
//   gate_command = "curl -fsS https://status.example/ok"  # optional: exit 0 means healthy
//   unreachable = "halt"            # or "skip": a target that cannot be reached
//   [[wave]]
//   name = "canary"                 # the first wave is the canary
//   targets = ["postgresql://app@db-canary/app"]
//   [[wave]]
//   name = "eu"
//   targets = [{ name = "eu-1", url = "postgresql://app@eu-1/app" }, "postgresql://eu-2/app"]
//   [[wave]]
//   targets = [{ name = "acme", url = "postgresql://app@shared/app", schema = "tenant_acme" }]
//
// Or waves by share: `targets = [...]` at the top lists the databases, and a wave with
// `percent = 10` takes that share of them (rounded up), in order; what is left is a last wave
// named `rest`.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "runner/settings.h"

namespace pgshift::runner {

struct FleetTarget {
  std::string name;  // as given, or the URL with its password as *** (and its schema)
  std::string url;   // as written, plus the search path for a schema: carries secrets, never shown
  std::string schema;  // schema-per-tenant: the tenant's schema, empty for a whole database
};

// The key of a plan's rows in a target's ledger: the plan id, or "PLAN@SCHEMA" for a tenant
// schema, so that tenants sharing a database keep apart ledger rows and plan locks.
std::string LedgerPlanId(const std::string& plan_id, const FleetTarget& target);

struct FleetWave {
  std::string name;
  std::vector<FleetTarget> targets;
};

enum class UnreachablePolicy { kHalt, kSkip };

struct Fleet {
  std::string path;
  std::vector<FleetWave> waves;  // waves[0] is the canary
  std::string gate;              // SQL that must return true on each target of a wave; may be empty
  std::string gate_command;      // a shell command that must exit 0; may be empty
  Millis soak{0};
  Millis check_every{5000};
  UnreachablePolicy unreachable = UnreachablePolicy::kHalt;
};

struct FleetErrors {
  std::vector<std::string> messages;  // each "fleet.toml:4:1: `wave[2].targets` ..."
  bool unreadable = false;            // the file could not be read at all
};

std::variant<Fleet, FleetErrors> ParseFleet(std::string_view text, const std::string& path);
std::variant<Fleet, FleetErrors> ReadFleetFile(const std::string& path);

}  // namespace pgshift::runner
