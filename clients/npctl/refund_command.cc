// `npctl refund ...`: read and list balance refund cases, claim a refund for its account holder,
// re-drive a stuck case, and push a final bill as the donor's billing system would.
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_join.h"
#include "clients/client/enum_names.h"
#include "clients/client/human_text.h"
#include "clients/npctl/commands.h"
#include "clients/npctl/paged_list.h"
#include "npd/v1/refund.grpc.pb.h"

namespace npd::npctl {
namespace {

using npd::v1::RefundService;

struct ClaimArgs {
  std::string refund_id;
  IdentityArgs claimant;
  std::string payee_kind;
  std::string payee_account;
  std::string payee_name;
  std::string channel;
  std::string province;
};

struct ReportBillArgs {
  std::string refund_id;
  std::string bill_id;
  // Amounts as typed, checked by FenCheck(): CLI11 would read "010" as octal into an integer.
  std::string cash_fen;
  std::string non_refundable_fen;
  std::string third_party_fen;
  std::string charges_fen;
};

struct RedriveArgs {
  std::string refund_id;
  std::string note;
  // As typed, checked by GenerationCheck() (decimal, so "010" is not octal 8); empty: not named.
  std::string paid_generation;
};

// A payout generation as typed: 1-999999 in decimal, no leading zero; nullopt otherwise.
std::optional<int32_t> ParseGeneration(const std::string& text) {
  if (text.empty() || text.size() > 6 || text[0] == '0') return std::nullopt;
  int32_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

CLI::Validator GenerationCheck() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        return ParseGeneration(value) ? std::string()
                                      : "'" + value + "' is not a payout generation (1, 2, ...)";
      },
      "", "generation");
}

struct ListArgs {
  std::string msisdn;
  std::string carrier;
  std::string state;
  std::string province;
  int32_t page_size = 0;
  std::string page_token;
  bool all = false;
};

// Runs one RefundService call and prints its response with `human`. Returns the exit code.
template <typename Request, typename Response, typename Human>
int Call(Session& session, const Request& request,
         grpc::Status (RefundService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                     Response*),
         Human human) {
  auto stub = RefundService::NewStub(session.channel());
  Response response;
  const grpc::Status status = session.Unary(
      [&](grpc::ClientContext* context) { return ((*stub).*method)(context, request, &response); });
  if (!status.ok()) return session.Fail(status);
  session.Print(response, [&] { return human(response); });
  return kExitOk;
}

int Get(Session& session, const std::string& refund_id) {
  npd::v1::GetRefundRequest request;
  request.set_refund_id(refund_id);
  return Call(session, request, &RefundService::Stub::GetRefund,
              [](const npd::v1::GetRefundResponse& r) { return client::RefundBlock(r.refund()); });
}

// A refused claim is a refusal by rule, which npctl treats as a normal answer (exit 0) like a
// refused code or a rejected port: the reasons are printed, and `accepted` is in the JSON.
int Claim(Session& session, const ClaimArgs& args) {
  npd::v1::ClaimRefundRequest request;
  request.set_refund_id(args.refund_id);
  *request.mutable_claimant() = ToIdentity(args.claimant);
  npd::v1::PayeeAccount& payee = *request.mutable_payee();
  payee.set_kind(ToPayeeKind(args.payee_kind));
  payee.set_account(args.payee_account);
  payee.set_holder_name(args.payee_name);
  request.set_channel(ToClaimChannel(args.channel));
  request.set_claim_province(args.province);
  request.set_request_id(session.RequestId());
  return Call(session, request, &RefundService::Stub::ClaimRefund, &client::ClaimText);
}

int ReportBill(Session& session, const ReportBillArgs& args) {
  npd::v1::ReportFinalBillRequest request;
  request.set_refund_id(args.refund_id);
  npd::v1::FinalBill& bill = *request.mutable_bill();
  bill.set_bill_id(args.bill_id);
  bill.set_cash_balance_fen(ToFen(args.cash_fen));
  bill.set_non_refundable_fen(ToFen(args.non_refundable_fen));
  bill.set_third_party_topup_fen(ToFen(args.third_party_fen));
  bill.set_final_charges_fen(ToFen(args.charges_fen));
  request.set_request_id(session.RequestId());
  return Call(session, request, &RefundService::Stub::ReportFinalBill,
              &client::FinalBillReportText);
}

int Redrive(Session& session, const RedriveArgs& args) {
  npd::v1::RedriveRefundRequest request;
  request.set_refund_id(args.refund_id);
  request.set_note(args.note);
  if (!args.paid_generation.empty()) {
    request.set_paid_generation(ParseGeneration(args.paid_generation).value_or(0));
  }
  request.set_request_id(session.RequestId());
  return Call(
      session, request, &RefundService::Stub::RedriveRefund,
      [](const npd::v1::RedriveRefundResponse& r) { return client::RefundBlock(r.refund()); });
}

int List(Session& session, const ListArgs& args) {
  npd::v1::ListRefundsRequest request;
  request.set_msisdn(args.msisdn);
  request.set_carrier(args.carrier);
  if (!args.state.empty()) request.set_state(ToRefundState(args.state));
  request.set_home_province(args.province);
  request.set_page_size(args.page_size);
  request.set_page_token(args.page_token);

  auto stub = RefundService::NewStub(session.channel());
  return ListPages<npd::v1::ListRefundsRequest, npd::v1::ListRefundsResponse>(
      session, request, args.all, "refunds",
      [&](grpc::ClientContext* context, const npd::v1::ListRefundsRequest& r,
          npd::v1::ListRefundsResponse* out) { return stub->ListRefunds(context, r, out); },
      [](const npd::v1::ListRefundsResponse& r) -> const auto& { return r.refunds(); },
      [](const auto& item) { return client::RefundLine(item); });
}

void AddGet(CLI::App& refund, Session& session, Action& action) {
  auto refund_id = std::make_shared<std::string>();
  CLI::App* get = refund.add_subcommand("get", "Show one refund case (donor or operator)");
  get->add_option("REFUND", *refund_id, "Refund id, e.g. R000000000001")->required();
  Explain(*get,
          "Prints the case: state, reasons, the final bill and the refundable amount in yuan, the\n"
          "claim (payee by its last four characters), payout, the pending step with its attempts\n"
          "and last error, why it is STUCK, the payout facts npd holds (answers of the payment\n"
          "channel), a payout report being checked, and every payout conflict (OPEN or resolved)\n"
          "with both of its facts.\n"
          "Example: npctl --as operator refund get R000000000001");
  get->callback([&session, &action, refund_id] {
    action = [&session, refund_id] { return Get(session, *refund_id); };
  });
}

void AddList(CLI::App& refund, Session& session, Action& action) {
  auto args = std::make_shared<ListArgs>();
  CLI::App* list = refund.add_subcommand("list", "List refund cases in refund id order");
  list->add_option("--msisdn", args->msisdn, "Only cases of this number")->type_name("MSISDN");
  list->add_option("--carrier", args->carrier, "Only cases this carrier refunds (the donor)")
      ->type_name("CARRIER");
  list->add_option(
          "--state", args->state,
          "Only cases in this state, any case:\n" + absl::StrJoin(client::RefundStateNames(), ", "))
      ->type_name("STATE")
      ->check(RefundStateCheck());
  list->add_option("--province", args->province,
                   "Only cases whose home province (where the account was held) is this")
      ->type_name("PROVINCE");
  list->add_option("--page-size", args->page_size, "Cases per page; 0 means the server's 100")
      ->type_name("N")
      ->check(CLI::Range(0, 1000));
  list->add_option("--page-token", args->page_token,
                   "Continue a listing from the token printed after the previous page")
      ->type_name("TOKEN");
  list->add_flag("--all", args->all, "Follow every page to the end");
  Explain(*list,
          "One line per case: id, number, state, donor -> recipient, refundable amount ('-' until\n"
          "the final bill is known), opened. A carrier sees the cases it is the donor of; the\n"
          "operator sees all. Without --all, a further page is announced on stderr with its\n"
          "--page-token. With --json, one document per page.\n"
          "Example: npctl --as operator refund list --state stuck --all");
  list->callback(
      [&session, &action, args] { action = [&session, args] { return List(session, *args); }; });
}

void AddClaim(CLI::App& refund, Session& session, Action& action) {
  auto args = std::make_shared<ClaimArgs>();
  CLI::App* claim = refund.add_subcommand(
      "claim", "Claim a refund for the account holder, naming the account to pay (donor)");
  claim->add_option("REFUND", args->refund_id, "Refund id, e.g. R000000000001")->required();
  AddIdentityOptions(*claim, args->claimant,
                     "the claimant (compared with the account holder as of the port)");
  claim
      ->add_option("--payee-kind", args->payee_kind,
                   "Kind of account to pay: " + absl::StrJoin(client::PayeeKindNames(), ", "))
      ->required()
      ->type_name("KIND")
      ->check(PayeeKindCheck());
  claim
      ->add_option("--payee-account", args->payee_account,
                   "Card number (16-19 digits, Luhn) or wallet id; npd shows only its last four")
      ->required()
      ->type_name("ACCOUNT");
  claim
      ->add_option("--payee-name", args->payee_name,
                   "Account holder's name as the bank knows it; at most 64 characters")
      ->required()
      ->type_name("NAME");
  claim
      ->add_option("--channel", args->channel,
                   "Where the claim is made: " + absl::StrJoin(client::ClaimChannelNames(), ", "))
      ->required()
      ->type_name("CHANNEL")
      ->check(ClaimChannelCheck());
  claim
      ->add_option("--province", args->province,
                   "Province where the claim is made (it pays out), as in the number plan")
      ->required()
      ->type_name("PROVINCE");
  Explain(*claim,
          "As the donor (any channel, any province) or the operator: claim a case in AWAIT_CLAIM.\n"
          "Prints 'claim accepted' and the case (FUNDS_RESERVED, payout started), or 'claim\n"
          "refused: ' and every reason (F05_IDENTITY_MISMATCH, F07_CLAIM_EXPIRED,\n"
          "F09_DUPLICATE_CLAIM), which is a normal answer (exit 0; 'accepted' in --json).\n"
          "Example: npctl --as cmcc refund claim R000000000001 --name 张三 --id-type resident \\\n"
          "           --id 11010519491231002X --payee-kind bank-card \\\n"
          "           --payee-account 6222020200112233446 --payee-name 张三 --channel hall \\\n"
          "           --province Guangdong");
  claim->callback(
      [&session, &action, args] { action = [&session, args] { return Claim(session, *args); }; });
}

void AddRedrive(CLI::App& refund, Session& session, Action& action) {
  auto args = std::make_shared<RedriveArgs>();
  CLI::App* redrive = refund.add_subcommand(
      "redrive",
      "Retry the step a STUCK case stopped at, and reconcile payout conflicts (operator)");
  redrive->add_option("REFUND", args->refund_id, "Refund id, e.g. R000000000001")->required();
  redrive
      ->add_option("--reason,--note", args->note,
                   "Why, kept in the history (required); at most 500 bytes (UTF-8)")
      ->required()
      ->type_name("TEXT");
  redrive
      ->add_option("--paid-generation", args->paid_generation,
                   "The payout the payment channel really made (the N of <refund>:payout:N): the\n"
                   "case becomes PAID with npd's recorded SUCCEEDED fact of it")
      ->type_name("N")
      ->check(GenerationCheck());
  Explain(*redrive,
          "As the operator: mark every open payout conflict of the case resolved with the reason,\n"
          "then put a STUCK case back into the state it stopped in and retry its step from\n"
          "attempt one under the same idempotency key (a payout that may have been sent is\n"
          "queried first). With --paid-generation N a case STUCK at its payout becomes PAID with\n"
          "payout N's recorded SUCCEEDED fact and goes on to settle and close (find out from the\n"
          "payment channel first what it paid; `refund get` shows the facts and conflicts).\n"
          "FAILED_PRECONDITION for a case neither STUCK nor with an open conflict, or when npd\n"
          "holds no SUCCEEDED fact of payout N. Prints the case.\n"
          "Example: npctl --as operator refund redrive R000000000001 --reason \"gateway fixed\"\n"
          "         npctl --as operator refund redrive R000000000001 --paid-generation 1 \\\n"
          "           --reason \"channel statement 2026-11-30: payout 1 paid\"");
  redrive->callback(
      [&session, &action, args] { action = [&session, args] { return Redrive(session, *args); }; });
}

void AddReportBill(CLI::App& refund, Session& session, Action& action) {
  auto args = std::make_shared<ReportBillArgs>();
  CLI::App* report = refund.add_subcommand(
      "report-bill", "Push a case's final bill as the donor's billing system (integration tests)");
  report->add_option("REFUND", args->refund_id, "Refund id, e.g. R000000000001")->required();
  report->add_option("--bill-id", args->bill_id, "Billing's id of the bill")
      ->required()
      ->type_name("ID");
  const auto add_fen = [&](const std::string& name, std::string& fen, const std::string& what) {
    report->add_option(name, fen, what + ", in integer fen (1/100 CNY), >= 0")
        ->required()
        ->type_name("FEN")
        ->check(FenCheck());
  };
  add_fen("--cash-fen", args->cash_fen,
          "Prepaid cash balance at the port, gifted credit and third-party top-ups included");
  add_fen("--non-refundable-fen", args->non_refundable_fen,
          "Gifted or promotional credit in the balance (F02)");
  add_fen("--third-party-fen", args->third_party_fen, "Top-ups paid by someone else (F03)");
  add_fen("--charges-fen", args->charges_fen, "Charges rated after the freeze (F04)");
  Explain(*report,
          "As the donor (its billing system): report the final bill of a case that waits for it\n"
          "(OPENED, ACCOUNT_FROZEN, AWAIT_FINAL_BILL). The same bill again is acknowledged\n"
          "without effect ('already applied'); a different one once the amount was computed is\n"
          "FAILED_PRECONDITION. Prints the case with the amount npd computed.\n"
          "Example: npctl --as cmcc refund report-bill R000000000001 --bill-id B-0001 \\\n"
          "           --cash-fen 10000 --non-refundable-fen 1000 --third-party-fen 0 "
          "--charges-fen 300");
  report->callback([&session, &action, args] {
    action = [&session, args] { return ReportBill(session, *args); };
  });
}

}  // namespace

void AddRefundCommands(CLI::App& app, Session& session, Action& action) {
  CLI::App* refund = app.add_subcommand("refund", "Balance refunds after a port (余额退费)");
  refund->require_subcommand(1);
  AddGet(*refund, session, action);
  AddList(*refund, session, action);
  AddClaim(*refund, session, action);
  AddRedrive(*refund, session, action);
  AddReportBill(*refund, session, action);
}

}  // namespace npd::npctl
