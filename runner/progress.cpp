#include "runner/progress.h"

#include <algorithm>

#include "runner/settings.h"

namespace pgshift::runner {

std::string Thousands(long long value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

std::string ProgressLine(const std::string& stage, const nlohmann::json& detail, int bar_width) {
  const long long scanned = detail.value("rows_scanned", 0ll);
  const long long total = detail.value("rows_total", 0ll);
  const long long rate = detail.value("rows_per_second", 0ll);
  const long long eta = detail.value("eta_seconds", -1ll);
  const double fraction =
      total > 0 ? std::clamp(static_cast<double>(scanned) / total, 0.0, 1.0) : 1.0;
  const int filled = static_cast<int>(fraction * bar_width + 0.5);
  std::string line =
      stage + " [" + std::string(filled, '#') + std::string(bar_width - filled, '-') + "] ";
  const int percent = static_cast<int>(fraction * 100);
  line += (percent < 10    ? "  "
           : percent < 100 ? " "
                           : "") +
          std::to_string(percent) + "%  " + Thousands(scanned) + "/" + Thousands(total) +
          " rows  " + Thousands(rate) + " rows/s  ETA ";
  line += eta < 0 ? std::string("?") : FormatDuration(Millis(eta * 1000));
  const long long throttled = detail.value("throttled_ms", 0ll);
  if (throttled > 0) line += "  throttled " + FormatDuration(Millis(throttled));
  if (detail.value("contended", false)) {
    line += "  short batches of " + std::to_string(detail.value("next_batch_ms", 0ll)) +
            " ms: the application waited on one";
  }
  return line;
}

}  // namespace pgshift::runner
