// The trust boundary over real mutual TLS: every rpc of every service npd serves, called by every
// kind of principal, answers as the authorization matrix (daemon/service/authorization.cc) says,
// and a refused call writes nothing. Callers without an acceptable identity are refused before
// anything else; requests that do not decode, or exceed a limit, are INVALID_ARGUMENT.
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include "daemon/service/authorization.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/text_format.h"
#include "npd/v1/feed.grpc.pb.h"
#include "tests/service/npd_fixture.h"

namespace npd::testing {
namespace {

using service::AuthorizationMatrix;
using service::PrincipalKind;
using service::RpcRule;
using service::RpcShape;
using ::testing::HasSubstr;

// One principal of each kind (TestIdentityName names; the test PKI issues them).
const std::map<PrincipalKind, std::string>& OnePerKind() {
  static const auto* kinds =
      new std::map<PrincipalKind, std::string>{{PrincipalKind::kCarrier, "cmcc"},
                                               {PrincipalKind::kSelfService, "cucc-selfservice"},
                                               {PrincipalKind::kOperator, "operator"},
                                               {PrincipalKind::kPayment, "payment"},
                                               {PrincipalKind::kBilling, "billing-cmcc"}};
  return *kinds;
}

// A well-formed request of every rpc (text format), so that a refused call is refused for who
// calls, not for what it sends.
const std::map<std::string, std::string>& WellFormed() {
  static const auto* requests = new std::map<std::string, std::string>{
      {"/npd.v1.PortingService/IssueAuthCode",
       R"(request_id: "m-1" msisdn: "13800138000" holder { id_type: ID_TYPE_RESIDENT
          id_number: "11010519491231002X" name: "张三" })"},
      {"/npd.v1.PortingService/SubmitPort",
       R"(request_id: "m-2" msisdn: "13800138001" auth_code: "123456" local_network: "010"
          applicant { id_type: ID_TYPE_RESIDENT id_number: "11010519491231002X" name: "张三" })"},
      {"/npd.v1.PortingService/AnswerPort", R"(request_id: "m-3" port_id: "P000000000001"
          approve: true)"},
      {"/npd.v1.PortingService/CancelPort", R"(request_id: "m-4" port_id: "P000000000001"
          reason: "changed mind")"},
      {"/npd.v1.PortingService/ResendRouting", R"(request_id: "m-5" port_id: "P000000000001"
          reason: "carrier back")"},
      {"/npd.v1.PortingService/DisconnectNumber", R"(request_id: "m-6" msisdn: "18601001234"
          note: "left")"},
      {"/npd.v1.PortingService/GetPort", R"(port_id: "P000000000001")"},
      {"/npd.v1.PortingService/ListPorts", R"(page_size: 10)"},
      {"/npd.v1.NumberService/Lookup", R"(msisdn: "13800138000")"},
      {"/npd.v1.NumberService/BatchLookup", R"(msisdns: "13800138000")"},
      {"/npd.v1.RoutingFeedService/Subscribe", R"(from_sequence: 1)"},
      {"/npd.v1.RoutingFeedService/Confirm", R"(request_id: "m-7" sequence: 1)"},
      {"/npd.v1.RoutingFeedService/ExportSnapshot", ""},
      {"/npd.v1.AuditService/CompareBlocks", R"(scope_prefix: "138")"},
      {"/npd.v1.AuditService/DiffBlock", R"(block: "1380013")"},
      {"/npd.v1.RefundService/GetRefund", R"(refund_id: "R000000000001")"},
      {"/npd.v1.RefundService/ListRefunds", R"(page_size: 10)"},
      {"/npd.v1.RefundService/ClaimRefund",
       R"(request_id: "m-8" refund_id: "R000000000001" channel: CLAIM_CHANNEL_HALL
          claim_province: "Guangdong" claimant { id_type: ID_TYPE_RESIDENT
          id_number: "11010519491231002X" name: "张三" } payee { kind: PAYEE_KIND_WALLET
          account: "alice@pay" holder_name: "张三" })"},
      {"/npd.v1.RefundService/ReportFinalBill",
       R"(request_id: "m-9" refund_id: "R000000000001" bill { bill_id: "b1"
          cash_balance_fen: 100 })"},
      {"/npd.v1.RefundService/ReportPayoutResult",
       R"(request_id: "m-10" payout_key: "R000000000001:payout:1"
          status: PAYOUT_STATUS_SUCCEEDED amount_fen: 100 payout_reference: "x")"},
      {"/npd.v1.RefundService/RedriveRefund", R"(request_id: "m-11" refund_id: "R000000000001"
          note: "lifted")"},
      {"/npd.v1.OperationsService/ListAttention", R"(page_size: 10)"},
      {"/npd.v1.OperationsService/CancelStalePort",
       R"(request_id: "m-12" port_id: "P000000000001" reason: "withdrawn")"},
      {"/npd.v1.HistoryService/GetHistory", R"(msisdn: "13800138000")"},
      {"/npd.v1.ReportService/GetReport",
       R"(from { seconds: 1795000000 } to { seconds: 1795086400 })"},
      {"/npd.v1.AdminService/Checkpoint", R"(directory: "/nonexistent/npd-authz-test")"},
  };
  return *requests;
}

const google::protobuf::MethodDescriptor* MethodOf(const std::string& method) {
  // "/pkg.Service/Method" -> "pkg.Service.Method"
  std::string name = method.substr(1);
  name[name.find('/')] = '.';
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name);
}

std::string Serialized(const std::string& method, const std::string& text) {
  const google::protobuf::MethodDescriptor* descriptor = MethodOf(method);
  if (descriptor == nullptr) return "";
  std::unique_ptr<google::protobuf::Message> message(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(descriptor->input_type())
          ->New());
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, message.get())) << method;
  return message->SerializeAsString();
}

// Calls `method` with `bytes` as its request over `channel` and returns the status. Server
// streams are read until they end.
grpc::Status CallRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                     const std::string& bytes, bool stream) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::GenericStub stub(channel);
  if (!stream) {
    grpc::ByteBuffer response;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                   [&done](grpc::Status status) { done.set_value(std::move(status)); });
    return done.get_future().get();
  }
  // A server stream: write the one request, close, read until the end, take the status.
  grpc::CompletionQueue cq;
  auto call = stub.PrepareCall(&context, method, &cq);
  void* tag = nullptr;
  bool ok = false;
  int step = 0;
  call->StartCall(reinterpret_cast<void*>(1));
  cq.Next(&tag, &ok);
  call->Write(request, reinterpret_cast<void*>(2));
  cq.Next(&tag, &ok);
  call->WritesDone(reinterpret_cast<void*>(3));
  cq.Next(&tag, &ok);
  grpc::ByteBuffer message;
  for (step = 0; step < 100000; ++step) {
    call->Read(&message, reinterpret_cast<void*>(4));
    cq.Next(&tag, &ok);
    if (!ok) break;
    // A live Subscribe never ends by itself: one message is enough to know it was admitted.
    context.TryCancel();
  }
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

class AuthorizationTest : public NpdTest {
 protected:
  // An admitted Subscribe gets its first message (a heartbeat) quickly.
  void Configure(Config& config) override { config.heartbeat_interval = absl::Milliseconds(100); }

  npd::store::v1::Counters Counters() {
    auto snapshot = server_->store().Snapshot();
    EXPECT_TRUE(snapshot.ok());
    return (*snapshot)->counters();
  }

  grpc::Status Call(const std::string& as, const RpcRule& rule, const std::string& bytes) {
    return CallRaw(ChannelAs(as), std::string(rule.method), bytes, rule.shape == RpcShape::kStream);
  }

  // A call refused at the boundary: the status, and nothing written meanwhile.
  grpc::Status RefusedCall(const std::string& as, const RpcRule& rule, const std::string& bytes) {
    const auto before = Counters();
    grpc::Status status = Call(as, rule, bytes);
    EXPECT_EQ(Counters().ShortDebugString(), before.ShortDebugString())
        << as << " " << rule.method << " wrote something";
    return status;
  }
};

TEST_F(AuthorizationTest, TheMatrixHasOneRowForEveryRpcNpdServesAndNoOther) {
  std::set<std::string> served;
  for (const char* file : {"npd/v1/porting.proto", "npd/v1/number.proto", "npd/v1/feed.proto",
                           "npd/v1/audit.proto", "npd/v1/refund.proto", "npd/v1/operations.proto",
                           "npd/v1/history.proto", "npd/v1/report.proto", "npd/v1/admin.proto"}) {
    const auto* fd = google::protobuf::DescriptorPool::generated_pool()->FindFileByName(file);
    ASSERT_NE(fd, nullptr) << file;
    for (int s = 0; s < fd->service_count(); ++s) {
      for (int m = 0; m < fd->service(s)->method_count(); ++m) {
        served.insert(
            absl::StrCat("/", fd->service(s)->full_name(), "/", fd->service(s)->method(m)->name()));
      }
    }
  }
  std::set<std::string> rows;
  for (const RpcRule& rule : AuthorizationMatrix()) {
    EXPECT_TRUE(rows.insert(std::string(rule.method)).second) << "two rows for " << rule.method;
    EXPECT_NE(MethodOf(std::string(rule.method)), nullptr) << rule.method << " is no rpc";
    EXPECT_EQ(MethodOf(std::string(rule.method))->server_streaming(),
              rule.shape == RpcShape::kStream)
        << rule.method;
  }
  EXPECT_EQ(rows, served);
  EXPECT_EQ(WellFormed().size(), rows.size()) << "a well-formed request per rpc";
}

TEST_F(AuthorizationTest, EveryRpcForEveryPrincipalKindAnswersAsTheMatrixSays) {
  int allowed = 0;
  int denied = 0;
  for (const RpcRule& rule : AuthorizationMatrix()) {
    const std::string bytes =
        Serialized(std::string(rule.method), WellFormed().at(std::string(rule.method)));
    for (const auto& [kind, as] : OnePerKind()) {
      const std::string cell = std::string(rule.method) + " as " + as;
      if (rule.allowed.Contains(kind)) {
        grpc::Status status = Call(as, rule, bytes);
        EXPECT_NE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << cell;
        EXPECT_THAT(status.error_message(), Not(HasSubstr("principal; it may be called by")))
            << cell;
        ++allowed;
      } else {
        grpc::Status status = RefusedCall(as, rule, bytes);
        EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << cell << ": " << status.error_message();
        EXPECT_THAT(status.error_message(), HasSubstr("it may be called by")) << cell;
        ++denied;
      }
    }
  }
  // 26 rpcs x 5 kinds, counted from the matrix as written today.
  EXPECT_EQ(allowed + denied, static_cast<int>(AuthorizationMatrix().size()) * 5);
  EXPECT_GT(denied, allowed);
}

TEST_F(AuthorizationTest, CallersWithoutAnAcceptableIdentityAreUnauthenticatedEverywhere) {
  TestPki& pki = TestPki::Shared();
  pki.Issue("authz-no-uri", {.uris = {}});
  pki.Issue("authz-two-uris", {.uris = {"spiffe://npd/carrier/cmcc", "spiffe://npd/carrier/cucc"}});
  pki.Issue("authz-other-domain", {.uris = {"spiffe://evil/carrier/cmcc"}});
  pki.Issue("authz-unknown-kind", {.uris = {"spiffe://npd/admin/root"}});
  pki.Issue("authz-foreign-carrier", {.uris = {"spiffe://npd/carrier/cbn"}});
  pki.Issue("authz-bad-person", {.uris = {"spiffe://npd/operator/a%2fb"}});
  for (const std::string as : {"", "authz-no-uri", "authz-two-uris", "authz-other-domain",
                               "authz-unknown-kind", "authz-foreign-carrier", "authz-bad-person"}) {
    for (const RpcRule& rule : AuthorizationMatrix()) {
      const std::string bytes =
          Serialized(std::string(rule.method), WellFormed().at(std::string(rule.method)));
      grpc::Status status = RefusedCall(as, rule, bytes);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
          << "'" << as << "' " << rule.method << ": " << status.error_message();
    }
  }
}

TEST_F(AuthorizationTest, ExpiredAndForeignCertificatesNeverGetPastTheHandshake) {
  TestPki& pki = TestPki::Shared();
  pki.Issue("authz-expired", {.uris = {"spiffe://npd/carrier/cmcc"},
                              .not_before = -absl::Hours(48),
                              .not_after = -absl::Hours(24)});
  pki.Issue("authz-not-yet", {.uris = {"spiffe://npd/carrier/cmcc"},
                              .not_before = absl::Hours(24),
                              .not_after = absl::Hours(48)});
  pki.Issue("authz-foreign-ca", {.uris = {"spiffe://npd/operator/mallory"}, .foreign_ca = true});
  const RpcRule& issue = AuthorizationMatrix().front();  // IssueAuthCode
  const std::string bytes =
      Serialized(std::string(issue.method), WellFormed().at(std::string(issue.method)));
  for (const std::string as : {"authz-expired", "authz-not-yet", "authz-foreign-ca"}) {
    // The TLS handshake fails: the call never reaches npd's handlers (nothing written).
    grpc::Status status = RefusedCall(as, issue, bytes);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
        << as << ": " << status.error_message();
  }
}

// Bytes that no request type parses: a length-delimited field 1 whose length runs past the end.
const std::string kTruncated("\x0a\x7f\x01", 3);

// A message of `method`'s request type whose first string field holds bytes that are not UTF-8
// (proto3 refuses to parse it); empty when the type has no string field.
std::string InvalidUtf8For(const std::string& method) {
  const google::protobuf::Descriptor* type = MethodOf(method)->input_type();
  for (int i = 0; i < type->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = type->field(i);
    if (field->type() != google::protobuf::FieldDescriptor::TYPE_STRING) continue;
    std::string bytes;
    bytes.push_back(static_cast<char>((field->number() << 3) | 2));  // numbers < 16 here
    bytes += std::string("\x03\xc3\x28\xff", 4);
    return bytes;
  }
  return "";
}

TEST_F(AuthorizationTest, UndecodableRequestsAreInvalidArgumentOnEveryRpc) {
  int utf8_cases = 0;
  for (const RpcRule& rule : AuthorizationMatrix()) {
    std::string as;
    for (const auto& [kind, name] : OnePerKind()) {
      if (rule.allowed.Contains(kind)) as = name;
    }
    std::vector<std::string> inputs = {kTruncated};
    if (std::string utf8 = InvalidUtf8For(std::string(rule.method)); !utf8.empty()) {
      inputs.push_back(utf8);
      ++utf8_cases;
    }
    for (const std::string& bytes : inputs) {
      grpc::Status status = RefusedCall(as, rule, bytes);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
          << rule.method << ": " << status.error_message();
      EXPECT_THAT(status.error_message(), HasSubstr("is not a valid npd.v1.")) << rule.method;
    }
  }
  EXPECT_GT(utf8_cases, 20);
}

TEST_F(AuthorizationTest, FieldsAndRequestsOverTheirLimitsAreRefusedAndNothingIsWritten) {
  const RpcRule* report = service::FindRule("/npd.v1.RefundService/ReportPayoutResult");
  // The finding: a 3.9 MB failure_text was journaled. Now over 500 bytes is refused.
  npd::v1::ReportPayoutResultRequest payout;
  payout.set_request_id("big-1");
  payout.set_payout_key("R000000000001:payout:1");
  payout.set_status(npd::v1::PAYOUT_STATUS_FAILED_PAYEE_INVALID);
  payout.set_failure_text(std::string(501, 'x'));
  grpc::Status status = RefusedCall("payment", *report, payout.SerializeAsString());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("failure_text is 501 bytes long; at most 500"));
  payout.set_failure_text("");
  payout.set_payout_reference(std::string(257, 'r'));
  status = RefusedCall("payment", *report, payout.SerializeAsString());
  EXPECT_THAT(status.error_message(), HasSubstr("payout_reference is 257 bytes long"));
  payout.set_payout_reference(std::string(3'900'000, 'r'));
  status = RefusedCall("payment", *report, payout.SerializeAsString());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("takes at most 4096"));

  // A note of 500 bytes of Chinese (166 characters) is within the limit; 501 bytes is not.
  const RpcRule* cancel = service::FindRule("/npd.v1.PortingService/CancelPort");
  npd::v1::CancelPortRequest request;
  request.set_request_id("big-2");
  request.set_port_id("P000000000001");
  std::string reason;
  while (reason.size() + 3 <= 500) reason += "中";
  reason += "ab";
  request.set_reason(reason);
  status = Call("cucc", *cancel, request.SerializeAsString());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
  request.set_reason(reason + "c");
  status = RefusedCall("cucc", *cancel, request.SerializeAsString());
  EXPECT_THAT(status.error_message(), HasSubstr("reason is 501 bytes long"));

  // Repeated fields: 1000 numbers per BatchLookup, not 1001.
  const RpcRule* batch = service::FindRule("/npd.v1.NumberService/BatchLookup");
  npd::v1::BatchLookupRequest lookups;
  for (int i = 0; i < 1001; ++i) lookups.add_msisdns("13800138000");
  status = RefusedCall("cmcc", *batch, lookups.SerializeAsString());
  EXPECT_THAT(status.error_message(), HasSubstr("msisdns has 1001 entries; at most 1000"));
  // Nested: the applicant's name inside SubmitPort.
  npd::v1::SubmitPortRequest submit;
  submit.set_request_id("big-3");
  submit.mutable_applicant()->set_name(std::string(300, 'n'));
  status = RefusedCall("cucc", *service::FindRule("/npd.v1.PortingService/SubmitPort"),
                       submit.SerializeAsString());
  EXPECT_THAT(status.error_message(), HasSubstr("applicant.name is 300 bytes long"));
}

TEST_F(AuthorizationTest, HeadersNeverChangeWhoTheCallerIs) {
  // An operator certificate's person is the certificate's, whatever headers claim.
  auto port = client().StartPort("cmcc", "cucc", kCmccNumber, kBeijing);
  ASSERT_FALSE(port.port_id().empty());
  npd::v1::CancelStalePortRequest cancel;
  cancel.set_request_id("h-1");
  cancel.set_port_id(port.port_id());
  cancel.set_reason("donor silent");
  grpc::ClientContext context;
  context.AddMetadata("x-npd-caller", "spiffe://npd/operator/mallory");
  context.AddMetadata("x-npd-operator", "mallory");
  npd::v1::CancelStalePortResponse response;
  ASSERT_TRUE(npd::v1::OperationsService::NewStub(ChannelAs("operator-alice"))
                  ->CancelStalePort(&context, cancel, &response)
                  .ok());
  npd::v1::GetHistoryRequest history;
  history.set_port_id(port.port_id());
  grpc::ClientContext read;
  npd::v1::GetHistoryResponse events;
  ASSERT_TRUE(npd::v1::HistoryService::NewStub(ChannelAs("operator"))
                  ->GetHistory(&read, history, &events)
                  .ok());
  bool found = false;
  for (const auto& e : events.events()) {
    if (e.type() != "PORT_CANCELLED_BY_OPERATOR") continue;
    found = true;
    EXPECT_EQ(e.operator_name(), "alice");
    EXPECT_EQ(e.principal(), "spiffe://npd/operator/alice");
  }
  EXPECT_TRUE(found) << events.ShortDebugString();
  // And a carrier's header claiming to be the operator is still the carrier.
  grpc::ClientContext claim;
  claim.AddMetadata("x-npd-caller", "spiffe://npd/operator/mallory");
  npd::v1::ListAttentionResponse attention;
  EXPECT_EQ(npd::v1::OperationsService::NewStub(ChannelAs("cmcc"))
                ->ListAttention(&claim, npd::v1::ListAttentionRequest(), &attention)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace npd::testing

namespace npd::testing {
namespace {

// The README shows the matrix as the code has it. NPD_UPDATE_DOCS=1 rewrites the README's table.
TEST(MatrixDocTest, TheReadmeShowsTheMatrixNpdEnforces) {
  const std::string path = std::string(NPD_SOURCE_DIR) + "/README.md";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string readme = text.str();
  const std::string begin =
      "<!-- authorization matrix: generated by AuthorizationMatrixMarkdown(), checked by a test "
      "-->\n";
  const std::string end = "<!-- end of authorization matrix -->";
  const size_t from = readme.find(begin);
  const size_t to = readme.find(end);
  ASSERT_NE(from, std::string::npos);
  ASSERT_NE(to, std::string::npos);
  const std::string shown = readme.substr(from + begin.size(), to - from - begin.size());
  const std::string enforced = service::AuthorizationMatrixMarkdown();
  if (std::getenv("NPD_UPDATE_DOCS") != nullptr && shown != enforced) {
    readme.replace(from + begin.size(), to - from - begin.size(), enforced);
    std::ofstream(path) << readme;
    return;
  }
  EXPECT_EQ(shown, enforced) << "run NPD_UPDATE_DOCS=1 build/bin/security_test "
                                "--gtest_filter=MatrixDocTest.* to update README.md";
}

}  // namespace
}  // namespace npd::testing
