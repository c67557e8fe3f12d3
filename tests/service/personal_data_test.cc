// Personal data stays sealed: a run through every kind of step that carries personal data (codes
// issued, used, refused and never used; ports submitted with the right and the wrong identity;
// refund claims refused for another person, paid after an invalid wallet, to a card), then a
// checkpoint, then every byte npd left behind is searched for the clear values: each file of the
// data directory and of the checkpoint, every decoded record of every table (compression could
// hide a value from the raw search), and everything npd logged, at trace level.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "npd/v1/admin.grpc.pb.h"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"
#include "storage/rocks_store.h"
#include "tests/service/refund_fixture.h"
#include "tests/support/npd_client.h"

namespace npd::testing {
namespace {

constexpr char kPaidCard[] = "6225880137004439";
constexpr char kPayeeName[] = "王小五";
constexpr char kInvalidWallet[] = "invalid-wallet-5550001";
constexpr char kWalletHolder[] = "赵六六";

std::string RefundOf(const std::string& port_id) { return "R" + port_id.substr(1); }

npd::v1::PayeeAccount Payee(npd::v1::PayeeKind kind, const std::string& account,
                            const std::string& holder) {
  npd::v1::PayeeAccount payee;
  payee.set_kind(kind);
  payee.set_account(account);
  payee.set_holder_name(holder);
  return payee;
}

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class PersonalDataTest : public RefundTest {
 protected:
  // Everything npd logs, at every level, while the test runs.
  void SetUp() override {
    previous_logger_ = spdlog::default_logger();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_);
    auto logger = std::make_shared<spdlog::logger>("personal-data-test", sink);
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
    RefundTest::SetUp();
  }
  void TearDown() override {
    RefundTest::TearDown();
    spdlog::set_default_logger(previous_logger_);
  }

  grpc::Status Checkpoint(const std::string& directory) {
    auto stub = npd::v1::AdminService::NewStub(ChannelAs("operator"));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    npd::v1::CheckpointRequest request;
    request.set_directory(directory);
    npd::v1::CheckpointResponse response;
    return stub->Checkpoint(&context, request, &response);
  }

  // `needle` in any file under `dir`: the files that hold it.
  static std::vector<std::string> FilesHolding(const std::string& dir, const std::string& needle,
                                               bool skip_rocksdb_diagnostics) {
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      const std::string name = entry.path().filename().string();
      if (skip_rocksdb_diagnostics && (name.starts_with("LOG") || name.starts_with("OPTIONS-"))) {
        continue;
      }
      if (absl::StrContains(ReadAll(entry.path()), needle)) found.push_back(entry.path());
    }
    return found;
  }

  // `needle` in any decoded record of the store at `db`: "table/key" of those that hold it.
  static std::vector<std::string> RecordsHolding(const std::string& db,
                                                 const std::vector<std::string>& needles) {
    storage::RocksOptions options;
    options.path = db;
    auto store = storage::OpenRocksStore(options);
    EXPECT_TRUE(store.ok()) << store.status();
    if (!store.ok()) return {"(store did not open)"};
    std::vector<std::string> found;
    size_t records = 0;
    for (const char* table : {"numbers", "ports", "ports_by_msisdn", "events", "feed", "timers",
                              "idempotency", "meta", "awaiting", "refunds", "outbox", "journal"}) {
      absl::Status s =
          (*store)->ScanTable(table, [&](std::string_view key, std::string_view value) {
            ++records;
            for (const std::string& needle : needles) {
              if (value.find(needle) != std::string_view::npos ||
                  key.find(needle) != std::string_view::npos) {
                found.push_back(absl::StrCat(table, "/", std::string(key), " holds ", needle));
              }
            }
            return absl::OkStatus();
          });
      EXPECT_TRUE(s.ok()) << s;
    }
    EXPECT_GT(records, 50u);  // the scan saw the run
    return found;
  }

  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> previous_logger_;
};

TEST_F(PersonalDataTest, NoNameIdNumberCodeOrPayeeAccountIsLeftInClearAnywhere) {
  std::vector<std::string> codes;
  // A port with the holder's identity, to a refund case.
  auto issued = client().IssueCode("cmcc", kCmccNumber, Holder());
  ASSERT_TRUE(issued.ok() && issued.response.issued());
  codes.push_back(issued.response.code());
  auto submitted = client().Submit("cucc", kCmccNumber, issued.response.code(), Holder(), kBeijing);
  ASSERT_TRUE(submitted.ok());
  const std::string port_id = submitted.response.port().port_id();
  ASSERT_TRUE(client().Approve("cmcc", port_id).ok());
  ASSERT_TRUE(client().WaitForState(port_id, npd::v1::PORT_STATE_CUTOVER, 10));
  const uint64_t sequence =
      client().GetPort("operator", port_id).response.port().routing_sequence();
  for (const char* carrier : {"cmcc", "ctcc", "cucc"}) {
    ASSERT_TRUE(client().Confirm(carrier, sequence).ok());
  }
  ASSERT_TRUE(client().WaitForState(port_id, npd::v1::PORT_STATE_COMPLETED, 10));
  const std::string refund_id = RefundOf(port_id);
  WaitForRefund(refund_id, npd::v1::REFUND_STATE_AWAIT_CLAIM);
  // Claimed by another person (refused, F05), to a wallet the channel refuses (F06), then paid to a
  // card.
  npd::v1::ClaimRefundResponse claimed;
  ASSERT_TRUE(Claim("cmcc", refund_id, OtherPerson(),
                    Payee(npd::v1::PAYEE_KIND_BANK_CARD, kPaidCard, kPayeeName), "Beijing",
                    &claimed)
                  .ok());
  EXPECT_FALSE(claimed.accepted());
  ASSERT_TRUE(Claim("cmcc", refund_id, Holder(),
                    Payee(npd::v1::PAYEE_KIND_WALLET, kInvalidWallet, kWalletHolder), "Beijing",
                    &claimed)
                  .ok());
  EXPECT_TRUE(claimed.accepted());
  WaitForRefund(refund_id, npd::v1::REFUND_STATE_AWAIT_CLAIM);
  ASSERT_TRUE(Claim("cmcc", refund_id, Holder(),
                    Payee(npd::v1::PAYEE_KIND_BANK_CARD, kPaidCard, kPayeeName), "Guangdong",
                    &claimed)
                  .ok());
  EXPECT_TRUE(claimed.accepted());
  WaitForRefund(refund_id, npd::v1::REFUND_STATE_CLOSED_PAID);
  // The channel was paid to the card in full: npd opened the sealed account to pay.
  auto payout = outside().payment().Payout(refund_id + ":payout:2");
  ASSERT_TRUE(payout.has_value());
  EXPECT_EQ(payout->payee.account(), kPaidCard);
  EXPECT_EQ(payout->payee.holder_name(), kPayeeName);

  // A code for another person, then a submission with the wrong identity and one with a wrong code.
  auto other = client().IssueCode("cucc", kCuccNumber, OtherPerson());
  ASSERT_TRUE(other.ok() && other.response.issued());
  codes.push_back(other.response.code());
  auto mismatch = client().Submit("cmcc", kCuccNumber, other.response.code(), Holder(), kBeijing);
  EXPECT_NE(mismatch.response.port().state(), npd::v1::PORT_STATE_PENDING_DONOR);
  const std::string wrong_code = other.response.code() == "482913" ? "482914" : "482913";
  auto wrong = client().Submit("cmcc", kCuccNumber, wrong_code, OtherPerson(), kBeijing);
  EXPECT_NE(wrong.response.port().state(), npd::v1::PORT_STATE_PENDING_DONOR);
  // A code never used.
  auto unused = client().IssueCode("ctcc", kCtccNumber, OtherPerson());
  ASSERT_TRUE(unused.ok() && unused.response.issued());
  codes.push_back(unused.response.code());

  const std::string backup = dir_.Sub("backup");
  grpc::Status checkpoint = Checkpoint(backup);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.error_message();
  StopServer();

  std::vector<std::string> needles = {
      Holder().name(), Holder().id_number(), OtherPerson().name(), OtherPerson().id_number(),
      kPaidCard,       kPayeeName,           kInvalidWallet,       kWalletHolder};
  // A code is six digits: one that happens to be part of a number or an id the run stores in clear
  // (which would match by chance) is not searched.
  const std::string clear_ids =
      absl::StrCat(kCmccNumber, " ", kCuccNumber, " ", kCtccNumber, " ", port_id, " ", refund_id);
  for (const std::string& code : codes) {
    ASSERT_EQ(code.size(), 6u);
    if (!absl::StrContains(clear_ids, code)) needles.push_back(code);
  }
  ASSERT_GE(needles.size(), 9u);

  for (const std::string& dir : {dir_.Sub("data"), backup}) {
    for (const std::string& needle : needles) {
      // RocksDB's own LOG and OPTIONS files hold neither keys nor values, but are full of
      // timestamps whose digits could match a code by chance: the codes are not searched there.
      const bool is_code = std::find(codes.begin(), codes.end(), needle) != codes.end();
      EXPECT_THAT(FilesHolding(dir, needle, /*skip_rocksdb_diagnostics=*/is_code),
                  ::testing::IsEmpty())
          << needle << " in clear under " << dir;
    }
  }
  EXPECT_THAT(RecordsHolding(storage::DatabaseDirOf(dir_.Sub("data")), needles),
              ::testing::IsEmpty());
  EXPECT_THAT(RecordsHolding(backup + "/db", needles), ::testing::IsEmpty());

  const std::string log = log_.str();
  EXPECT_THAT(log, ::testing::HasSubstr("checkpoint written"));  // the capture saw npd's log
  for (const std::string& needle : needles) {
    EXPECT_FALSE(absl::StrContains(log, needle)) << needle << " in npd's log";
  }
  // The search can fail: the payee's last four characters, which the API shows, are found.
  EXPECT_THAT(RecordsHolding(backup + "/db", {std::string(kPaidCard).substr(12)}),
              ::testing::Not(::testing::IsEmpty()));
}

}  // namespace
}  // namespace npd::testing
