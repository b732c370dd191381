#include "runner/ledger.h"

namespace pgshift::runner {
namespace {

constexpr const char* kSchema = R"SQL(
CREATE SCHEMA IF NOT EXISTS pgshift;
CREATE TABLE IF NOT EXISTS pgshift.plans (
  plan_id text PRIMARY KEY,
  checksum text NOT NULL,
  baseline_fingerprint text,
  baseline_detail text,
  runner text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS pgshift.stages (
  plan_id text NOT NULL REFERENCES pgshift.plans ON DELETE CASCADE,
  stage_id text NOT NULL,
  position int NOT NULL,
  phase text NOT NULL,
  status text NOT NULL DEFAULT 'pending'
    CONSTRAINT stages_status_check
    CHECK (status IN ('pending', 'running', 'done', 'failed', 'interrupted', 'rolled back')),
  started_at timestamptz,
  finished_at timestamptz,
  attempts int NOT NULL DEFAULT 0,
  steps_done int NOT NULL DEFAULT 0,
  rows_done bigint NOT NULL DEFAULT 0,
  rows_scanned bigint NOT NULL DEFAULT 0,
  rows_total bigint,
  cursor text[],
  max_key text[],
  batch_size bigint,
  fingerprint text,
  fingerprint_detail text,
  error text,
  PRIMARY KEY (plan_id, stage_id)
);
COMMENT ON CONSTRAINT stages_status_check ON pgshift.stages IS 'interrupted';
)SQL";

std::vector<std::string> ParseTextArray(const std::optional<std::string>& value, bool& present) {
  present = value.has_value();
  std::vector<std::string> out;
  if (!value || value->size() < 2) return out;
  // PostgreSQL's array output: {a,"b c","d\"e"}; NULL elements do not occur in the ledger.
  const std::string& text = *value;
  std::string current;
  bool quoted = false, in_element = false;
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '\\' && i + 2 < text.size())
        current += text[++i];
      else if (c == '"')
        quoted = false;
      else
        current += c;
    } else if (c == '"') {
      quoted = in_element = true;
    } else if (c == ',') {
      out.push_back(current);
      current.clear();
      in_element = false;
    } else {
      current += c;
      in_element = true;
    }
  }
  if (in_element || !out.empty() || text != "{}") out.push_back(current);
  return out;
}

}  // namespace

const StageRecord* PlanRecord::Find(std::string_view id) const {
  for (const StageRecord& stage : stages) {
    if (stage.stage_id == id) return &stage;
  }
  return nullptr;
}

std::vector<std::string> LedgerTables() { return {"pgshift.plans", "pgshift.stages"}; }

namespace {

// Ledgers made before a stage could be recorded as interrupted accept the new status.
constexpr const char* kUpgrade = R"SQL(
ALTER TABLE pgshift.stages DROP CONSTRAINT IF EXISTS stages_status_check,
  ADD CONSTRAINT stages_status_check
  CHECK (status IN ('pending', 'running', 'done', 'failed', 'interrupted', 'rolled back'));
COMMENT ON CONSTRAINT stages_status_check ON pgshift.stages IS 'interrupted';
)SQL";

// Read from the catalog by name and the constraint's comment: deparsing the constraint would
// wait behind a lock on the table. A failed read counts as current; the ledger's users say more.
bool LedgerCurrent(Database& db) {
  const auto result = db.Exec(
      "SELECT EXISTS (SELECT 1 FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid "
      "JOIN pg_namespace n ON n.oid = r.relnamespace WHERE n.nspname = 'pgshift' AND "
      "r.relname = 'stages' AND c.conname = 'stages_status_check' AND "
      "obj_description(c.oid, 'pg_constraint') = 'interrupted')");
  return ErrorOf(result) != nullptr || std::get<Rows>(result).Scalar() == "t";
}

}  // namespace

std::optional<DbError> EnsureLedger(Database& db) {
  if (LedgerExists(db)) {
    if (LedgerCurrent(db)) return std::nullopt;
    auto upgraded = db.Exec(
        std::string("BEGIN; SELECT pg_advisory_xact_lock(hashtext('pgshift-ledger'));") +
        kUpgrade + "COMMIT;");
    if (const DbError* error = ErrorOf(upgraded)) {
      db.Exec("ROLLBACK");
      return *error;
    }
    return std::nullopt;
  }
  // One transaction under a fixed advisory lock: two first runners must not race the DDL.
  auto result =
      db.Exec(std::string("BEGIN; SELECT pg_advisory_xact_lock(hashtext('pgshift-ledger'));") +
              kSchema + "COMMIT;");
  if (const DbError* error = ErrorOf(result)) {
    db.Exec("ROLLBACK");
    return *error;
  }
  return std::nullopt;
}

bool LedgerExists(Database& db) {
  const auto result = db.Exec("SELECT to_regclass('pgshift.stages') IS NOT NULL");
  return ErrorOf(result) == nullptr && std::get<Rows>(result).Scalar() == "t";
}

DbResult<std::optional<PlanRecord>> ReadPlanRecord(Database& db, const std::string& plan_id) {
  if (!LedgerExists(db)) return std::optional<PlanRecord>();
  const std::string id = db.QuoteLiteral(plan_id);
  auto plan = db.Exec(
      "SELECT plan_id, checksum, coalesce(baseline_fingerprint, ''), "
      "coalesce(baseline_detail, ''), to_char(created_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM'), "
      "coalesce(runner, '') FROM pgshift.plans WHERE plan_id = " +
      id);
  if (const DbError* error = ErrorOf(plan)) return *error;
  const Rows& plan_rows = std::get<Rows>(plan);
  if (plan_rows.empty()) return std::optional<PlanRecord>();
  PlanRecord record;
  const Row& p = plan_rows.rows[0];
  record.plan_id = p[0].value_or("");
  record.checksum = p[1].value_or("");
  record.baseline = p[2].value_or("");
  record.baseline_detail = p[3].value_or("");
  record.created_at = p[4].value_or("");
  record.runner = p[5].value_or("");
  auto stages = db.Exec(
      "SELECT stage_id, position, phase, status, "
      "  coalesce(to_char(started_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM'), ''), "
      "  coalesce(to_char(finished_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM'), ''), "
      "  coalesce(extract(epoch FROM coalesce(finished_at, now()) - started_at), 0), "
      "  attempts, steps_done, rows_done, rows_scanned, rows_total, cursor, max_key, "
      "  coalesce(batch_size, 0), coalesce(fingerprint, ''), coalesce(fingerprint_detail, ''), "
      "  coalesce(error, '') "
      "FROM pgshift.stages WHERE plan_id = " +
      id + " ORDER BY position");
  if (const DbError* error = ErrorOf(stages)) return *error;
  for (const Row& r : std::get<Rows>(stages).rows) {
    StageRecord s;
    s.stage_id = r[0].value_or("");
    s.position = std::stoi(r[1].value_or("0"));
    s.phase = r[2].value_or("");
    s.status = r[3].value_or("");
    s.started_at = r[4].value_or("");
    s.finished_at = r[5].value_or("");
    s.seconds = s.started_at.empty() ? 0 : std::stod(r[6].value_or("0"));
    s.attempts = std::stoi(r[7].value_or("0"));
    s.steps_done = std::stoi(r[8].value_or("0"));
    s.rows_done = std::stoll(r[9].value_or("0"));
    s.rows_scanned = std::stoll(r[10].value_or("0"));
    if (r[11]) s.rows_total = std::stoll(*r[11]);
    s.cursor = ParseTextArray(r[12], s.has_cursor);
    s.max_key = ParseTextArray(r[13], s.has_max_key);
    s.batch_size = std::stoll(r[14].value_or("0"));
    s.fingerprint = r[15].value_or("");
    s.fingerprint_detail = r[16].value_or("");
    s.error = r[17].value_or("");
    record.stages.push_back(std::move(s));
  }
  return std::optional<PlanRecord>(std::move(record));
}

std::optional<DbError> RegisterPlan(Database& db, const Plan& plan, const std::string& runner) {
  const std::string id = db.QuoteLiteral(plan.id);
  std::string sql = "BEGIN; INSERT INTO pgshift.plans (plan_id, checksum, runner) VALUES (" + id +
                    ", " + db.QuoteLiteral(plan.checksum) + ", " + db.QuoteLiteral(runner) +
                    ") ON CONFLICT (plan_id) DO UPDATE SET checksum = EXCLUDED.checksum, "
                    "runner = EXCLUDED.runner, updated_at = now();";
  // Stages that left the plan are forgotten unless they did something; the rest follow its order.
  std::string ids;
  for (std::size_t i = 0; i < plan.stages.size(); ++i) {
    const Stage& stage = plan.stages[i];
    ids += (ids.empty() ? "" : ", ") + db.QuoteLiteral(stage.id);
    sql += "INSERT INTO pgshift.stages (plan_id, stage_id, position, phase) VALUES (" + id + ", " +
           db.QuoteLiteral(stage.id) + ", " + std::to_string(i + 1) + ", " +
           db.QuoteLiteral(rules::PhaseName(stage.phase)) +
           ") ON CONFLICT (plan_id, stage_id) DO UPDATE SET position = EXCLUDED.position, "
           "phase = EXCLUDED.phase;";
  }
  sql += "DELETE FROM pgshift.stages WHERE plan_id = " + id + " AND stage_id NOT IN (" + ids +
         ") AND status IN ('pending', 'rolled back'); COMMIT;";
  auto result = db.Exec(sql);
  if (const DbError* error = ErrorOf(result)) {
    db.Exec("ROLLBACK");
    return *error;
  }
  return std::nullopt;
}

std::string StageUpdate(Database& db, const std::string& plan_id, const std::string& stage_id,
                        const std::string& assignments) {
  return "UPDATE pgshift.stages SET " + assignments +
         " WHERE plan_id = " + db.QuoteLiteral(plan_id) +
         " AND stage_id = " + db.QuoteLiteral(stage_id);
}

std::string TextArray(Database& db, const std::vector<std::string>& values) {
  std::string out = "ARRAY[";
  for (std::size_t i = 0; i < values.size(); ++i)
    out += (i ? ", " : "") + db.QuoteLiteral(values[i]);
  return out + "]::text[]";
}

}  // namespace pgshift::runner
