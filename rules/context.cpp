#include "rules/context.h"

namespace pgshift::rules {

const TableLock* StatementContext::LockOnExistingTable() const {
  const TableLock* strongest = nullptr;
  for (const TableLock& lock : locks()) {
    if (lock.new_table) continue;
    if (strongest == nullptr || lock.mode > strongest->mode ||
        (lock.mode == strongest->mode && lock.work > strongest->work)) {
      strongest = &lock;
    }
  }
  return strongest;
}

}  // namespace pgshift::rules
