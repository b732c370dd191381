// The phases of an expand-contract change, in the order they must run.
#pragma once

#include <optional>
#include <string_view>

namespace pgshift::rules {

enum class Phase { kExpand = 0, kBackfill = 1, kSwitch = 2, kContract = 3 };

inline std::string_view PhaseName(Phase phase) {
  switch (phase) {
    case Phase::kExpand: return "expand";
    case Phase::kBackfill: return "backfill";
    case Phase::kSwitch: return "switch";
    case Phase::kContract: return "contract";
  }
  return "expand";
}

inline std::optional<Phase> ParsePhase(std::string_view name) {
  for (Phase p : {Phase::kExpand, Phase::kBackfill, Phase::kSwitch, Phase::kContract}) {
    if (PhaseName(p) == name) return p;
  }
  return std::nullopt;
}

}  // namespace pgshift::rules
