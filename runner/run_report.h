// `pgshift report`: one journaled run as a single self-contained HTML page (inline CSS, JS and
// SVG; nothing fetched) with a timeline per target, to attach to a change record. Pure: a run in,
// the page out.
#pragma once

#include <string>

#include "runner/journal.h"

namespace pgshift::runner {

// Text made safe for HTML element content and attribute values.
std::string HtmlEscape(const std::string& text);

// The page for `run`. Events naming a target (fleet runs) get that target's row; the others belong
// to the run's own target, or, for a fleet run, to the fleet row (waves, gates, soaks).
std::string RenderRunReport(const JournalRun& run);

}  // namespace pgshift::runner
