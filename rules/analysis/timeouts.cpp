#include "rules/analysis/timeouts.h"

#include <cctype>
#include <charconv>

namespace pgshift::rules {
namespace {

using parser::Node;

bool IsTimeout(std::string_view name) {
  return name == "lock_timeout" || name == "statement_timeout";
}

// The text of a constant: 5000, '5s', 5s (a bare word is a string too).
std::optional<std::string> ConstantText(const Node* node) {
  if (node == nullptr) return std::nullopt;
  if (node->node_case == PG_QUERY__NODE__NODE_TYPE_CAST) return ConstantText(node->type_cast->arg);
  if (node->node_case != PG_QUERY__NODE__NODE_A_CONST) return std::nullopt;
  const auto& c = *node->a_const;
  switch (c.val_case) {
    case PG_QUERY__A__CONST__VAL_IVAL:
      return std::to_string(c.ival->ival);
    case PG_QUERY__A__CONST__VAL_FVAL:
      return std::string(parser::Str(c.fval->fval));
    case PG_QUERY__A__CONST__VAL_SVAL:
      return std::string(parser::Str(c.sval->sval));
    default:
      return std::nullopt;
  }
}

std::optional<TimeoutAssignment> FromSet(const PgQuery__VariableSetStmt& set) {
  const std::string_view name = parser::Str(set.name);
  if (!IsTimeout(name)) return std::nullopt;
  TimeoutAssignment out{std::string(name), std::nullopt, static_cast<bool>(set.is_local)};
  if (set.kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE && set.n_args == 1) {
    const auto text = ConstantText(set.args[0]);
    if (!text) return std::nullopt;
    out.milliseconds = ParseMilliseconds(*text);
    if (!out.milliseconds) return std::nullopt;
  } else if (set.kind != PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT &&
             set.kind != PG_QUERY__VARIABLE_SET_KIND__VAR_RESET) {
    return std::nullopt;
  }
  return out;
}

// SELECT set_config('lock_timeout', '5s', false) anywhere in the statement.
void FromSetConfig(const Node* statement, std::vector<TimeoutAssignment>& out) {
  parser::VisitNodes(statement, [&](const Node& node) {
    if (node.node_case != PG_QUERY__NODE__NODE_FUNC_CALL) return;
    const auto& call = *node.func_call;
    const auto names = parser::StringList(call.funcname, call.n_funcname);
    if (names.empty() || names.back() != "set_config" || call.n_args != 3) return;
    const auto name = ConstantText(call.args[0]);
    const auto value = ConstantText(call.args[1]);
    if (!name || !IsTimeout(*name) || !value) return;
    const auto ms = ParseMilliseconds(*value);
    if (!ms) return;
    const Node* local = call.args[2];
    const bool is_local = local->node_case == PG_QUERY__NODE__NODE_A_CONST &&
                          local->a_const->val_case == PG_QUERY__A__CONST__VAL_BOOLVAL &&
                          local->a_const->boolval->boolval;
    out.push_back({*name, ms, is_local});
  });
}

}  // namespace

std::optional<long> ParseMilliseconds(std::string_view value) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front())))
    value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
    value.remove_suffix(1);
  double number = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc()) return std::nullopt;
  std::string_view unit(end, value.data() + value.size() - end);
  while (!unit.empty() && std::isspace(static_cast<unsigned char>(unit.front())))
    unit.remove_prefix(1);
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"", 1},        {"us", 0.001},  {"ms", 1},      {"s", 1000},
      {"min", 60000}, {"h", 3600000}, {"d", 86400000}};
  for (const auto& [name, factor] : kUnits) {
    if (unit == name) return static_cast<long>(number * factor);
  }
  return std::nullopt;
}

std::vector<TimeoutAssignment> TimeoutsSetBy(const Node* statement) {
  std::vector<TimeoutAssignment> out;
  if (statement == nullptr) return out;
  if (statement->node_case == PG_QUERY__NODE__NODE_VARIABLE_SET_STMT) {
    if (auto assignment = FromSet(*statement->variable_set_stmt))
      out.push_back(std::move(*assignment));
    return out;
  }
  if (statement->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) FromSetConfig(statement, out);
  return out;
}

std::vector<TimeoutsInEffect> AnalyzeTimeouts(const parser::ParsedFile& file,
                                              const std::vector<TransactionState>& transactions,
                                              bool tool_sets_lock_timeout) {
  std::vector<TimeoutsInEffect> out(file.statements.size());
  TimeoutsInEffect session;  // SET
  if (tool_sets_lock_timeout) session.lock_timeout = TimeoutValue{0, 0, true};
  TimeoutsInEffect local;    // SET LOCAL, for the transaction `local_id`
  int local_id = -1;
  for (std::size_t i = 0; i < file.statements.size(); ++i) {
    const TransactionState& tx = transactions[i];
    if (tx.id != local_id) local = {};
    out[i].lock_timeout = local.lock_timeout ? local.lock_timeout : session.lock_timeout;
    out[i].statement_timeout =
        local.statement_timeout ? local.statement_timeout : session.statement_timeout;
    for (const TimeoutAssignment& a : TimeoutsSetBy(file.statements[i].node)) {
      if (a.local && !tx.in_block) continue;  // SET LOCAL outside a transaction block does nothing
      TimeoutsInEffect& target = a.local ? local : session;
      if (a.local) local_id = tx.id;
      std::optional<TimeoutValue>& slot =
          a.name == "lock_timeout" ? target.lock_timeout : target.statement_timeout;
      slot = a.milliseconds ? std::optional<TimeoutValue>(TimeoutValue{*a.milliseconds, i})
                            : std::nullopt;
    }
  }
  return out;
}

}  // namespace pgshift::rules
