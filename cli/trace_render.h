// Prints a trace report (runner/trace_file.h) for people or as JSON (schema in docs/trace.md).
#pragma once

#include <ostream>
#include <string>

#include "runner/trace_file.h"

namespace pgshift::cli {

struct TraceHeader {
  std::string target;  // the redacted URL, or "a throwaway sandbox"
};

void RenderTraceText(const runner::TraceReport& report, const TraceHeader& header,
                     std::ostream& out);
void RenderTraceJson(const runner::TraceReport& report, const TraceHeader& header,
                     std::ostream& out);

}  // namespace pgshift::cli
