// Commands the single writer executes. A command runs inside a batch (Execute), and is told the
// outcome once the batch is durable or has failed (Finish). Idempotency of client requests lives
// here, in one place, so every mutating rpc gets the same rule (architecture.md "Idempotency").
#ifndef NPD_DAEMON_ENGINE_COMMAND_H_
#define NPD_DAEMON_ENGINE_COMMAND_H_

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "daemon/core/identity.h"
#include "daemon/core/number_plan.h"
#include "daemon/core/payee_seal.h"
#include "daemon/core/policy.h"
#include "daemon/core/time_convert.h"
#include "daemon/engine/txn.h"

namespace npd::engine {

// Read-only facts every command may use. Outlives the engine.
struct EngineContext {
  const core::NumberPlan* plan = nullptr;
  const core::IdentityHasher* hasher = nullptr;
  core::PortPolicy policy;
  core::RefundPolicy refund_policy;
  std::vector<std::string> carrier_ids;  // sorted
  // Seals the payee accounts of accepted claims (security.payee_key_file). Needed live by
  // ClaimRefund only (replay never seals): a live claim without it is refused as INTERNAL.
  const core::PayeeKeyRing* payee_keys = nullptr;
};

class Command {
 public:
  virtual ~Command() = default;
  // Runs on the writer thread. Reads and stages writes through `txn`. A non-OK status discards
  // everything this command staged.
  virtual absl::Status Execute(Txn& txn, const EngineContext& ctx) = 0;
  // Called exactly once, on the engine's completer thread once the batch is durable (in commit
  // order), or on the posting thread when the engine refuses the command: with Execute's error, or
  // with the batch's commit status. Must not block.
  virtual void Finish(absl::Status status) = 0;
};

// A command from inside npd (a result of the outbox dispatcher, not a client request): Execute runs
// `apply`, Finish hands the outcome to `done`.
class InternalCommand final : public Command {
 public:
  using Apply = std::function<absl::Status(Txn&, const EngineContext&)>;
  using Done = std::function<void(absl::Status)>;
  InternalCommand(Apply apply, Done done) : apply_(std::move(apply)), done_(std::move(done)) {}

  absl::Status Execute(Txn& txn, const EngineContext& ctx) override { return apply_(txn, ctx); }
  void Finish(absl::Status status) override { done_(std::move(status)); }

 private:
  Apply apply_;
  Done done_;
};

// Who sent a client request, as the engine needs it (daemon/service derives it from the
// authenticated principal).
struct RequestCaller {
  // What handlers check and events record: a carrier id, "operator" or "payment".
  std::string actor;
  // The person, when the actor is the operator; empty otherwise.
  std::string operator_name;
  // The full principal (its URI, e.g. "spiffe://npd/carrier/cucc/selfservice"): request ids are
  // remembered per principal, and the journal and events record it.
  std::string principal;
};

// The idempotency wrapper shared by every client request. Key: principal + request_id. Payload:
// SHA-256 of the method name and the request's deterministic serialisation.
// See daemon/engine/journal.h (declared here so RequestCommand can journal itself).
npd::store::v1::JournalEntry RequestStep(std::string_view method, const RequestCaller& caller,
                                         const google::protobuf::Message& request,
                                         std::string_view request_id);

absl::Status CheckOrReplay(Txn& txn, const std::string& key, const std::string& method,
                           const std::string& payload_hash, google::protobuf::Message& response,
                           bool& replayed);
std::string IdempotencyKey(const std::string& principal, const std::string& request_id);
std::string PayloadHash(const std::string& method, const google::protobuf::Message& request);

// A client request of type Req answered with Resp.
template <typename Req, typename Resp>
class RequestCommand final : public Command {
 public:
  // Applies the request; fills the response. Errors stage nothing.
  using Handler = absl::Status (*)(Txn&, const EngineContext&, const std::string& caller,
                                   const Req&, Resp&);
  // Removes what must not be kept in the idempotency record (e.g. a plaintext code). May be null.
  using Redactor = void (*)(Resp&);
  using Done = std::function<void(absl::Status, Resp&&)>;

  RequestCommand(std::string method, RequestCaller caller, Req request, Handler handler,
                 Redactor redactor, Done done)
      : method_(std::move(method)),
        caller_(std::move(caller)),
        request_(std::move(request)),
        handler_(handler),
        redactor_(redactor),
        done_(std::move(done)) {}

  absl::Status Execute(Txn& txn, const EngineContext& ctx) override {
    response_.Clear();
    const std::string key = IdempotencyKey(caller_.principal, request_.request_id());
    const std::string hash = PayloadHash(method_, request_);
    bool replayed = false;
    if (absl::Status s = CheckOrReplay(txn, key, method_, hash, response_, replayed); !s.ok()) {
      return s;
    }
    if (replayed) return absl::OkStatus();
    txn.SetStep(RequestStep(method_, caller_, request_, request_.request_id()));
    if (absl::Status s = handler_(txn, ctx, caller_.actor, request_, response_); !s.ok()) return s;
    Resp kept = response_;
    if (redactor_ != nullptr) redactor_(kept);
    npd::store::v1::IdempotencyRecord record;
    record.set_method(method_);
    record.set_payload_hash(hash);
    record.set_response(kept.SerializeAsString());
    *record.mutable_created_at() = core::ToProto(txn.now());
    txn.PutIdempotency(key, std::move(record));
    return absl::OkStatus();
  }

  void Finish(absl::Status status) override { done_(std::move(status), std::move(response_)); }

 private:
  std::string method_;
  RequestCaller caller_;
  Req request_;
  Handler handler_;
  Redactor redactor_;
  Done done_;
  Resp response_;
};

}  // namespace npd::engine

#endif  // NPD_DAEMON_ENGINE_COMMAND_H_
