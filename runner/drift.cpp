#include "runner/drift.h"

#include "runner/fingerprint.h"

namespace pgshift::runner {

std::optional<StepFailure> CheckDrift(StepContext& context, const DriftCheck& check,
                                      const std::string& before, bool accept) {
  // A ledger written before checkpoints kept their lines has nothing to compare with.
  if (check.checkpoint_detail.empty()) return std::nullopt;
  auto now = QueryWithLockRetries<Fingerprint>(context, "taking the fingerprint for drift", [&] {
    return TakeFingerprint(context.db, context.objects);
  });
  if (auto* failure = std::get_if<StepFailure>(&now)) return std::move(*failure);
  const Fingerprint checkpoint = FingerprintFromDetail(check.checkpoint_detail);
  const std::vector<std::string> diff = FingerprintDiff(checkpoint, std::get<Fingerprint>(now));
  if (diff.empty()) return std::nullopt;
  std::string listed;
  for (const std::string& line : diff) listed += "\n  " + line;
  RunEvent event{accept ? "drift-accepted" : "drift", context.stage_id, ""};
  event.detail = {{"checkpoint", check.checkpoint}, {"differences", diff}};
  if (accept) {
    event.message = "the catalog differs from " + check.checkpoint + " (changed outside the " +
                    "plan); going on with " + before + " as --accept-drift asks:" + listed;
    context.sink.Emit(event);
    return std::nullopt;
  }
  event.message = "the catalog differs from " + check.checkpoint + ":" + listed;
  context.sink.Emit(event);
  return StepFailure{"the catalog changed since " + check.checkpoint +
                     " (by hand, or by something other than this plan); " + before +
                     " did not start. What differs (- at the checkpoint, + now):" + listed +
                     "\nUndo the change, or pass --accept-drift to go on with the catalog as it "
                     "is"};
}

}  // namespace pgshift::runner
