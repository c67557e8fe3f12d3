#include "daemon/engine/journal.h"

#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "daemon/core/policy_record.h"
#include "daemon/core/port_machine.h"
#include "daemon/engine/handlers.h"
#include "daemon/engine/refund_handlers.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "npd/v1/feed.pb.h"
#include "npd/v1/operations.pb.h"
#include "npd/v1/porting.pb.h"
#include "npd/v1/refund.pb.h"

namespace npd::engine {
namespace {

using npd::store::v1::JournalEntry;

std::string EnumSuffix(const std::string& name, std::string_view prefix) {
  absl::string_view view(name);
  absl::ConsumePrefix(&view, absl::string_view(prefix.data(), prefix.size()));
  return std::string(view);
}

// Runs a recorded request through its handler, as the service would have, minus idempotency (a
// request answered from its idempotency record never ran a handler, so it has no entry).
using Replayer = absl::Status (*)(Txn&, const EngineContext&, const std::string& caller,
                                  const std::string& request);

template <typename Req, typename Resp,
          absl::Status (*Handler)(Txn&, const EngineContext&, const std::string&, const Req&,
                                  Resp&)>
absl::Status Rerun(Txn& txn, const EngineContext& ctx, const std::string& caller,
                   const std::string& bytes) {
  Req request;
  if (!request.ParseFromString(bytes)) {
    return absl::InternalError(
        absl::StrCat("replay: recorded ", Req::descriptor()->full_name(), " does not parse"));
  }
  Resp response;
  return Handler(txn, ctx, caller, request, response);
}

// Every mutating rpc, by full method name (the names daemon/service passes to RequestCommand).
const std::map<std::string, Replayer, std::less<>>& RequestReplayers() {
  using namespace npd::v1;  // NOLINT(build/namespaces): the request and response types
  static const auto* table = new std::map<std::string, Replayer, std::less<>>{
      {"/npd.v1.PortingService/IssueAuthCode",
       &Rerun<IssueAuthCodeRequest, IssueAuthCodeResponse, HandleIssueAuthCode>},
      {"/npd.v1.PortingService/SubmitPort",
       &Rerun<SubmitPortRequest, SubmitPortResponse, HandleSubmitPort>},
      {"/npd.v1.PortingService/AnswerPort",
       &Rerun<AnswerPortRequest, AnswerPortResponse, HandleAnswerPort>},
      {"/npd.v1.PortingService/CancelPort",
       &Rerun<CancelPortRequest, CancelPortResponse, HandleCancelPort>},
      {"/npd.v1.PortingService/ResendRouting",
       &Rerun<ResendRoutingRequest, ResendRoutingResponse, HandleResendRouting>},
      {"/npd.v1.PortingService/DisconnectNumber",
       &Rerun<DisconnectNumberRequest, DisconnectNumberResponse, HandleDisconnectNumber>},
      {"/npd.v1.RoutingFeedService/Confirm",
       &Rerun<ConfirmRequest, ConfirmResponse, HandleConfirm>},
      {"/npd.v1.RefundService/ClaimRefund",
       &Rerun<ClaimRefundRequest, ClaimRefundResponse, HandleClaimRefund>},
      {"/npd.v1.RefundService/ReportFinalBill",
       &Rerun<ReportFinalBillRequest, ReportFinalBillResponse, HandleReportFinalBill>},
      {"/npd.v1.RefundService/ReportPayoutResult",
       &Rerun<ReportPayoutResultRequest, ReportPayoutResultResponse, HandleReportPayoutResult>},
      {"/npd.v1.RefundService/RedriveRefund",
       &Rerun<RedriveRefundRequest, RedriveRefundResponse, HandleRedriveRefund>},
      {"/npd.v1.OperationsService/CancelStalePort",
       &Rerun<CancelStalePortRequest, CancelStalePortResponse, HandleOperatorCancel>},
  };
  return *table;
}

}  // namespace

std::string CommandName(std::string_view method) {
  const size_t slash = method.rfind('/');
  return std::string(slash == std::string_view::npos ? method : method.substr(slash + 1));
}

void RedactForJournal(google::protobuf::Message& request) {
  const google::protobuf::Descriptor* descriptor = request.GetDescriptor();
  const google::protobuf::Reflection* reflection = request.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = descriptor->field(i);
    if (field->name() == "auth_code") {
      reflection->ClearField(&request, field);
      continue;
    }
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->message_type()->full_name() == "npd.v1.Identity") {
      reflection->ClearField(&request, field);
      continue;
    }
    if (field->message_type()->full_name() == "npd.v1.PayeeAccount" && !field->is_repeated() &&
        reflection->HasField(request, field)) {
      google::protobuf::Message* payee = reflection->MutableMessage(&request, field);
      for (const char* name : {"account", "holder_name"}) {
        payee->GetReflection()->ClearField(payee, payee->GetDescriptor()->FindFieldByName(name));
      }
      continue;
    }
    if (field->is_repeated()) {
      for (int j = 0; j < reflection->FieldSize(request, field); ++j) {
        RedactForJournal(*reflection->MutableRepeatedMessage(&request, field, j));
      }
    } else if (reflection->HasField(request, field)) {
      RedactForJournal(*reflection->MutableMessage(&request, field));
    }
  }
}

JournalEntry RequestStep(std::string_view method, const RequestCaller& caller,
                         const google::protobuf::Message& request, std::string_view request_id) {
  JournalEntry entry;
  entry.set_command(CommandName(method));
  entry.set_actor(caller.actor);
  entry.set_operator_name(caller.operator_name);
  entry.set_principal(caller.principal);
  entry.set_request_id(std::string(request_id));
  std::unique_ptr<google::protobuf::Message> kept(request.New());
  kept->CopyFrom(request);
  RedactForJournal(*kept);
  auto* input = entry.mutable_request();
  input->set_method(std::string(method));
  input->set_caller(caller.actor);
  input->set_request(kept->SerializeAsString());
  return entry;
}

JournalEntry TimerStep(const npd::store::v1::TimerRecord& timer) {
  JournalEntry entry;
  entry.set_command(absl::StrCat(
      "timer:", EnumSuffix(npd::store::v1::TimerKind_Name(timer.kind()), "TIMER_KIND_")));
  entry.set_actor(core::kNpdActor);
  *entry.mutable_timer() = timer;
  return entry;
}

JournalEntry StepResultStep(std::string_view refund_id, npd::v1::RefundStep step,
                            const core::StepResult& result, double jitter) {
  JournalEntry entry;
  entry.set_command(
      absl::StrCat("outbox:", EnumSuffix(npd::v1::RefundStep_Name(step), "REFUND_STEP_")));
  entry.set_actor(core::kNpdActor);
  auto* in = entry.mutable_step_result();
  in->set_refund_id(std::string(refund_id));
  in->set_version(result.version);
  in->set_outcome(static_cast<int32_t>(result.outcome));
  in->set_error(result.error);
  in->set_judicial_hold(result.judicial_hold);
  in->set_hold_text(result.hold_text);
  if (result.bill.has_value()) {
    *in->mutable_bill() = *result.bill;
  }
  in->set_payout_query(result.payout_query);
  in->set_payout_found(result.payout_found);
  in->set_payout_status(result.payout_status);
  in->set_failure_text(result.failure_text);
  if (result.payout_amount_fen.has_value()) {
    in->set_payout_amount_fen(*result.payout_amount_fen);
  }
  in->set_reference(result.reference);
  in->set_jitter(jitter);
  return entry;
}

core::StepResult StepResultFromInput(const npd::store::v1::StepResultInput& in) {
  core::StepResult result;
  result.version = in.version();
  result.outcome = in.outcome() == static_cast<int32_t>(core::StepOutcome::kRetryable)
                       ? core::StepOutcome::kRetryable
                       : core::StepOutcome::kDone;
  result.error = in.error();
  result.judicial_hold = in.judicial_hold();
  result.hold_text = in.hold_text();
  if (in.has_bill()) result.bill = in.bill();
  result.payout_query = in.payout_query();
  result.payout_found = in.payout_found();
  result.payout_status = in.payout_status();
  result.failure_text = in.failure_text();
  if (in.has_payout_amount_fen()) result.payout_amount_fen = in.payout_amount_fen();
  result.reference = in.reference();
  return result;
}

JournalEntry BeginPayoutStep(std::string_view refund_id, int64_t version) {
  JournalEntry entry;
  entry.set_command("outbox:BEGIN_PAYOUT");
  entry.set_actor(core::kNpdActor);
  entry.mutable_begin_payout()->set_refund_id(std::string(refund_id));
  entry.mutable_begin_payout()->set_version(version);
  return entry;
}

JournalEntry FeedPruneStep(uint64_t below) {
  JournalEntry entry;
  entry.set_command("feed:prune");
  entry.set_actor(core::kNpdActor);
  entry.mutable_feed_prune()->set_below(below);
  return entry;
}

npd::store::v1::EngineSetup SetupOf(const EngineContext& ctx) {
  npd::store::v1::EngineSetup setup;
  *setup.mutable_port_policy() = core::ToRecord(ctx.policy);
  *setup.mutable_refund_policy() = core::ToRecord(ctx.refund_policy);
  for (const auto& id : ctx.carrier_ids) setup.add_carrier_ids(id);
  if (ctx.plan != nullptr) {
    setup.set_carriers_csv(ctx.plan->source().carriers_csv);
    setup.set_blocks_csv(ctx.plan->source().blocks_csv);
    setup.set_local_networks_csv(ctx.plan->source().local_networks_csv);
  }
  return setup;
}

JournalEntry SetupStep(const EngineContext& ctx) {
  JournalEntry entry;
  entry.set_command("config");
  entry.set_actor(core::kNpdActor);
  *entry.mutable_setup() = SetupOf(ctx);
  return entry;
}

absl::Status ReplayStep(Txn& txn, const EngineContext& ctx, const JournalEntry& entry) {
  switch (entry.input_case()) {
    case JournalEntry::kSetup:
      return absl::OkStatus();
    case JournalEntry::kRequest: {
      const auto& table = RequestReplayers();
      auto it = table.find(entry.request().method());
      if (it == table.end()) {
        return absl::InvalidArgumentError(absl::StrCat("replay: journal entry ", entry.sequence(),
                                                       " has an unknown rpc method ",
                                                       entry.request().method()));
      }
      return it->second(txn, ctx, entry.request().caller(), entry.request().request());
    }
    case JournalEntry::kTimer:
      return HandleTimer(txn, ctx, entry.timer());
    case JournalEntry::kStepResult:
      // npd draws the jitter in [0, 1); anything else (NaN included) is a damaged entry (found by
      // fuzz_journal).
      if (!(entry.step_result().jitter() >= 0 && entry.step_result().jitter() < 1)) {
        return absl::DataLossError(absl::StrCat("replay: journal entry ", entry.sequence(),
                                                " has a retry jitter outside [0, 1)"));
      }
      return HandleStepResult(txn, ctx, entry.step_result().refund_id(),
                              StepResultFromInput(entry.step_result()),
                              entry.step_result().jitter());
    case JournalEntry::kBeginPayout:
      return HandleBeginPayout(txn, ctx, entry.begin_payout().refund_id(),
                               entry.begin_payout().version());
    case JournalEntry::kFeedPrune:
      // npd prunes at most up to its head; an entry beyond it is damaged (found by fuzz_journal).
      if (entry.feed_prune().below() > txn.FeedHead() + 1) {
        return absl::DataLossError(
            absl::StrCat("replay: journal entry ", entry.sequence(), " prunes the feed below ",
                         entry.feed_prune().below(), ", beyond its head ", txn.FeedHead()));
      }
      if (entry.feed_prune().below() > txn.FirstRetainedFeedSequence()) {
        txn.PruneFeedBelow(entry.feed_prune().below());
      }
      return absl::OkStatus();
    case JournalEntry::INPUT_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("replay: journal entry ", entry.sequence(), " has no input"));
}

}  // namespace npd::engine
