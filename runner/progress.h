// Backfill progress for people: one line with a bar, rows, rate and ETA, from a `batch` event.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace pgshift::runner {

// "copy-rows [########------------]  40%  40,000/100,000 rows  52,310 rows/s  ETA 1 s", then
// "  throttled 4.2 s" once the backfill has waited for a throttle
std::string ProgressLine(const std::string& stage, const nlohmann::json& detail,
                         int bar_width = 24);
// 1234567 → "1,234,567"
std::string Thousands(long long value);

}  // namespace pgshift::runner
