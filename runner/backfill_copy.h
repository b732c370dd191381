// A backfill that copies rows into another table (`insert_into` and `select`): each batch is an
// INSERT ... SELECT over one key range of the backfill's table, ON CONFLICT DO NOTHING, so that a
// row the application (or a trigger) wrote to the target first is kept, and a batch run again
// after an interruption inserts nothing twice. The source rows are only read.
#pragma once

#include <string>

#include "runner/plan.h"

namespace pgshift::runner {

// The copy of one batch: `source` is the backfill's table as SQL, `rows` its WHERE clause (the
// key range and the plan's `where`, starting with " WHERE "). The server counts the rows inserted.
std::string CopyBatchChange(const BackfillSpec& spec, const std::string& source,
                            const std::string& rows);

// The copy as one statement over every row `where` selects, for review and preflight: its
// parts must make one INSERT, and its tables and columns must exist.
std::string CopyProbe(const BackfillSpec& spec, const std::string& source);

}  // namespace pgshift::runner
