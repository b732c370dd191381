#include "runner/backfill_copy.h"

namespace pgshift::runner {

std::string CopyBatchChange(const BackfillSpec& spec, const std::string& source,
                            const std::string& rows) {
  return "INSERT INTO " + spec.insert_into + " SELECT " + spec.select + " FROM " + source + rows +
         " ON CONFLICT DO NOTHING";
}

std::string CopyProbe(const BackfillSpec& spec, const std::string& source) {
  return "INSERT INTO " + spec.insert_into + " SELECT " + spec.select + " FROM " + source +
         (spec.where.empty() ? "" : " WHERE (" + spec.where + ")") + " ON CONFLICT DO NOTHING";
}

}  // namespace pgshift::runner
