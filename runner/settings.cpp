#include "runner/settings.h"

#include <cstdio>

namespace pgshift::runner {

std::optional<Millis> ParseDuration(std::string_view text) {
  std::size_t i = 0;
  double value = 0;
  bool digits = false, fraction = false;
  double scale = 0.1;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits = true;
      if (fraction) {
        value += (c - '0') * scale;
        scale /= 10;
      } else {
        value = value * 10 + (c - '0');
      }
    } else if (c == '.' && !fraction) {
      fraction = true;
    } else {
      break;
    }
  }
  if (!digits) return std::nullopt;
  std::string_view unit = text.substr(i);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  double factor = 0;
  if (unit.empty() || unit == "ms")
    factor = 1;
  else if (unit == "s")
    factor = 1000;
  else if (unit == "min")
    factor = 60000;
  else if (unit == "h")
    factor = 3600000;
  else
    return std::nullopt;
  if (unit.empty() && fraction) return std::nullopt;
  return Millis(static_cast<long long>(value * factor + 0.5));
}

std::string FormatDuration(Millis duration) {
  const long long ms = duration.count();
  char buffer[64];
  if (ms < 1000) {
    std::snprintf(buffer, sizeof buffer, "%lld ms", ms);
  } else if (ms < 60000) {
    std::snprintf(buffer, sizeof buffer, "%.1f s", ms / 1000.0);
  } else if (ms < 3600000) {
    std::snprintf(buffer, sizeof buffer, "%lld min %lld s", ms / 60000, (ms % 60000) / 1000);
  } else {
    std::snprintf(buffer, sizeof buffer, "%lld h %lld min", ms / 3600000, (ms % 3600000) / 60000);
  }
  return buffer;
}

}  // namespace pgshift::runner
