// Fault injection for the fake outside systems: which rpc fails, stalls or misbehaves, drawn from a
// seeded generator so that a seed and the order of calls fix every decision.
#ifndef NPD_TESTS_FAKES_FAULT_INJECTOR_H_
#define NPD_TESTS_FAKES_FAULT_INJECTOR_H_

#include <array>
#include <cstdint>
#include <random>
#include <string_view>

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace npd::fakes {

// The kinds of fault, in the order they are drawn and printed.
enum class FaultKind {
  kError = 0,
  kTimeout,
  kSlow,
  kCrashAfterEffect,
  kDuplicateCallback,
  kOutOfOrderCallback,
};
inline constexpr int kFaultKindCount = 6;

// "error", "timeout", "slow", "crash_after_effect", "duplicate_callback", "out_of_order_callback".
std::string_view FaultKindName(FaultKind kind);

// Probabilities (each in [0, 1]) that one rpc suffers each fault. Every kind is an independent draw
// per rpc; `error` wins over everything, `crash_after_effect` wins over `timeout`.
struct FaultPlan {
  // Answer UNAVAILABLE without doing anything. Default: 0.
  double error = 0;
  // Do the effect, then sleep `timeout_delay` before answering (the caller's deadline passes: an
  // unknown outcome). Default: 0.
  double timeout = 0;
  // Sleep `slow_delay`, then do the effect and answer normally. Default: 0.
  double slow = 0;
  // Do the effect, then answer UNAVAILABLE "crashed after ..." (an ambiguous failure). Only rpcs
  // with an effect (not GetFinalBill, QueryPayout). Default: 0.
  double crash_after_effect = 0;
  // Send the rpc's callback to npd twice (each with its own request_id). Default: 0.
  double duplicate_callback = 0;
  // Send the rpc's callback to npd before answering the rpc (instead of after). Default: 0.
  double out_of_order_callback = 0;
  // Default: 3 s (longer than npd's call deadline).
  absl::Duration timeout_delay = absl::Seconds(3);
  // Default: 200 ms.
  absl::Duration slow_delay = absl::Milliseconds(200);

  // The same probability for every kind.
  static FaultPlan Uniform(double rate);
  // INVALID_ARGUMENT naming the field when a probability is outside [0, 1] or a delay negative.
  absl::Status Validate() const;
};

// The faults drawn for one rpc, after precedence.
struct FaultDraw {
  bool error = false;
  bool timeout = false;
  bool slow = false;
  bool crash_after_effect = false;
  // Apply only when the rpc sends a callback; the service counts them then (CountInjected).
  bool duplicate_callback = false;
  bool out_of_order_callback = false;
};

// Fault counts by kind, indexed by FaultKind.
using FaultCounts = std::array<uint64_t, kFaultKindCount>;

// The answer of an injected `error`: UNAVAILABLE "injected fault: unavailable".
grpc::Status InjectedError();
// The answer of an injected `crash_after_effect`: UNAVAILABLE "crashed after <effect>".
grpc::Status CrashedAfter(std::string_view effect);

// One service's fault source. Thread-safe.
class FaultInjector {
 public:
  // `stopping` (not owned, outlives this) cuts every Sleep short once notified.
  FaultInjector(FaultPlan plan, uint64_t seed, const absl::Notification* stopping);

  // Draws the faults of one rpc and counts error, timeout, slow and crash_after_effect as injected.
  // Consumes the same amount of randomness whatever the outcome, so the sequence of draws depends
  // only on the seed, the plan and the number of earlier draws.
  FaultDraw Draw(bool has_effect);
  // True with probability `p`, from the same generator (for non-fault choices such as PENDING).
  bool Chance(double p);
  // Counts one injected fault of `kind` (the callback kinds, when a callback is actually sent).
  void CountInjected(FaultKind kind);

  // Replaces the plan; later draws use it (the generator is not reseeded).
  void SetPlan(FaultPlan plan);
  FaultPlan plan() const;
  FaultCounts counts() const;

  // Sleeps `delay`, returning early when the rpc is cancelled (its deadline passed or the client
  // went away) or the fakes stop. Frees the handler thread as soon as nobody waits for the answer.
  void Sleep(grpc::ServerContext* context, absl::Duration delay) const;

 private:
  mutable absl::Mutex mu_;
  FaultPlan plan_ ABSL_GUARDED_BY(mu_);
  std::mt19937_64 rng_ ABSL_GUARDED_BY(mu_);
  FaultCounts counts_ ABSL_GUARDED_BY(mu_) = {};
  const absl::Notification* stopping_;
};

}  // namespace npd::fakes

#endif  // NPD_TESTS_FAKES_FAULT_INJECTOR_H_
