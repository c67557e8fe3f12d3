// AuditService over real gRPC: CompareBlocks finds exactly the planted mismatch, DiffBlock names
// the number and npd's routing, and malformed requests are refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/core/routing_digest.h"
#include "npd/v1/audit.grpc.pb.h"
#include "tests/service/sync_fixture.h"

namespace npd::testing {
namespace {

using ::testing::HasSubstr;

struct CarrierEntry {
  std::string msisdn;
  std::string serving;
};

class AuditTest : public SyncTest {
 protected:
  void SetUp() override {
    SyncTest::SetUp();
    // npd's set: three cmcc numbers ported to cucc, one to ctcc.
    CutOver({CmccNumber(1), CmccNumber(2), CmccNumber(3)});
    CutOver({CmccNumber(5)}, "ctcc");
  }

  // The carrier's correct copy of npd's set.
  static std::vector<CarrierEntry> CorrectCopy() {
    return {{CmccNumber(1), "cucc"},
            {CmccNumber(2), "cucc"},
            {CmccNumber(3), "cucc"},
            {CmccNumber(5), "ctcc"}};
  }

  static npd::v1::CompareBlocksRequest Summaries(const std::vector<CarrierEntry>& entries,
                                                 const std::string& scope = "") {
    core::BlockSummaries blocks;
    for (const auto& e : entries)
      blocks[std::string(core::BlockOf(e.msisdn))].Add(e.msisdn, e.serving);
    npd::v1::CompareBlocksRequest request;
    request.set_scope_prefix(scope);
    for (const auto& [block, summary] : blocks) {
      auto& b = *request.add_blocks();
      b.set_block(block);
      b.set_count(summary.count);
      b.set_digest(summary.digest);
    }
    return request;
  }

  Reply<npd::v1::CompareBlocksResponse> Compare(const npd::v1::CompareBlocksRequest& request,
                                                const std::string& as = "cucc") {
    Reply<npd::v1::CompareBlocksResponse> reply;
    grpc::ClientContext context;
    reply.status = npd::v1::AuditService::NewStub(ChannelAs(as))
                       ->CompareBlocks(&context, request, &reply.response);
    return reply;
  }

  Reply<npd::v1::DiffBlockResponse> Diff(const std::string& block,
                                         const std::vector<CarrierEntry>& entries,
                                         const std::string& as = "cucc") {
    npd::v1::DiffBlockRequest request;
    request.set_block(block);
    for (const auto& e : entries) {
      auto& entry = *request.add_entries();
      entry.set_msisdn(e.msisdn);
      entry.set_serving_carrier(e.serving);
    }
    Reply<npd::v1::DiffBlockResponse> reply;
    grpc::ClientContext context;
    reply.status = npd::v1::AuditService::NewStub(ChannelAs(as))
                       ->DiffBlock(&context, request, &reply.response);
    return reply;
  }

  // Runs both steps on `copy` and returns the single difference found.
  npd::v1::RoutingDifference OnlyDifference(const std::vector<CarrierEntry>& copy) {
    auto compared = Compare(Summaries(copy));
    EXPECT_TRUE(compared.ok()) << compared.status.error_message();
    EXPECT_EQ(compared.response.feed_sequence(), 4u);
    EXPECT_EQ(compared.response.mismatches_size(), 1);
    if (compared.response.mismatches_size() != 1) return {};
    EXPECT_EQ(compared.response.mismatches(0).block(), "1380013");
    EXPECT_EQ(compared.response.mismatches(0).npd_count(), 4u);
    auto diff = Diff("1380013", copy);
    EXPECT_TRUE(diff.ok()) << diff.status.error_message();
    EXPECT_EQ(diff.response.feed_sequence(), 4u);
    EXPECT_EQ(diff.response.differences_size(), 1);
    return diff.response.differences_size() == 1 ? diff.response.differences(0)
                                                 : npd::v1::RoutingDifference();
  }
};

TEST_F(AuditTest, CorrectCopyHasNoMismatch) {
  for (const char* as : {"cucc", "operator"}) {
    auto compared = Compare(Summaries(CorrectCopy()), as);
    ASSERT_TRUE(compared.ok()) << compared.status.error_message();
    EXPECT_EQ(compared.response.mismatches_size(), 0);
    EXPECT_EQ(compared.response.blocks_compared(), 1u);
    EXPECT_EQ(compared.response.feed_sequence(), 4u);
    auto diff = Diff("1380013", CorrectCopy(), as);
    ASSERT_TRUE(diff.ok()) << diff.status.error_message();
    EXPECT_EQ(diff.response.differences_size(), 0);
  }
}

TEST_F(AuditTest, FindsAWrongCarrier) {
  auto copy = CorrectCopy();
  copy[1].serving = "ctcc";
  auto d = OnlyDifference(copy);
  EXPECT_EQ(d.msisdn(), CmccNumber(2));
  EXPECT_EQ(d.carrier_serving(), "ctcc");
  EXPECT_EQ(d.correct().msisdn(), CmccNumber(2));
  EXPECT_EQ(d.correct().serving_carrier(), "cucc");
  EXPECT_EQ(d.correct().range_holder(), "cmcc");
}

TEST_F(AuditTest, FindsAMissingEntry) {
  auto copy = CorrectCopy();
  copy.erase(copy.begin() + 3);
  auto d = OnlyDifference(copy);
  EXPECT_EQ(d.msisdn(), CmccNumber(5));
  EXPECT_EQ(d.carrier_serving(), "");
  EXPECT_EQ(d.correct().serving_carrier(), "ctcc");
}

TEST_F(AuditTest, FindsAnExtraEntry) {
  auto copy = CorrectCopy();
  copy.push_back({CmccNumber(9), "cucc"});
  auto d = OnlyDifference(copy);
  EXPECT_EQ(d.msisdn(), CmccNumber(9));
  EXPECT_EQ(d.carrier_serving(), "cucc");
  // serving == range holder: "delete your entry".
  EXPECT_EQ(d.correct().serving_carrier(), "cmcc");
  EXPECT_EQ(d.correct().range_holder(), "cmcc");
}

TEST_F(AuditTest, BlocksOnlyOneSideHoldsAreMismatchesAndScopeLimitsTheCompare) {
  // The carrier omits npd's block and reports one npd has nothing in.
  auto compared = Compare(Summaries({{"13900000001", "cucc"}}));
  ASSERT_TRUE(compared.ok()) << compared.status.error_message();
  ASSERT_EQ(compared.response.mismatches_size(), 2);
  EXPECT_EQ(compared.response.blocks_compared(), 2u);
  EXPECT_EQ(compared.response.mismatches(0).block(), "1380013");
  EXPECT_EQ(compared.response.mismatches(0).carrier_count(), 0u);
  EXPECT_EQ(compared.response.mismatches(0).npd_digest(),
            core::EntryDigest(CmccNumber(1), "cucc") ^ core::EntryDigest(CmccNumber(2), "cucc") ^
                core::EntryDigest(CmccNumber(3), "cucc") ^
                core::EntryDigest(CmccNumber(5), "ctcc"));
  EXPECT_EQ(compared.response.mismatches(1).block(), "1390000");
  EXPECT_EQ(compared.response.mismatches(1).npd_count(), 0u);

  // Under scope 139 npd's 138 block is not compared.
  auto scoped = Compare(Summaries({{"13900000001", "cucc"}}, "139"));
  ASSERT_TRUE(scoped.ok()) << scoped.status.error_message();
  ASSERT_EQ(scoped.response.mismatches_size(), 1);
  EXPECT_EQ(scoped.response.mismatches(0).block(), "1390000");
}

TEST_F(AuditTest, MalformedRequestsAreInvalidArgument) {
  npd::v1::CompareBlocksRequest long_scope;
  long_scope.set_scope_prefix("13800138");
  auto r1 = Compare(long_scope);
  EXPECT_EQ(r1.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(r1.status.error_message(), HasSubstr("scope_prefix must be 0 to 7 digits"));

  auto outside = Compare(Summaries(CorrectCopy(), "139"));
  EXPECT_EQ(outside.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(outside.status.error_message(), HasSubstr("outside scope_prefix '139'"));

  auto twice = Summaries(CorrectCopy());
  *twice.add_blocks() = twice.blocks(0);
  auto r2 = Compare(twice);
  EXPECT_EQ(r2.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(r2.status.error_message(), HasSubstr("blocks[1].block 1380013 is given twice"));

  npd::v1::CompareBlocksRequest short_block;
  short_block.add_blocks()->set_block("138001");
  EXPECT_THAT(Compare(short_block).status.error_message(),
              HasSubstr("blocks[0].block must be 7 digits"));

  EXPECT_THAT(Diff("13800", {}).status.error_message(), HasSubstr("block must be 7 digits"));
  auto foreign = Diff("1380013", {{"13900000001", "cucc"}});
  EXPECT_EQ(foreign.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(foreign.status.error_message(),
              HasSubstr("entries[0].msisdn 13900000001 is outside block 1380013"));
  auto repeated = Diff("1380013", {{CmccNumber(1), "cucc"}, {CmccNumber(1), "ctcc"}});
  EXPECT_THAT(repeated.status.error_message(), HasSubstr("entries[1].msisdn"));
  EXPECT_THAT(repeated.status.error_message(), HasSubstr("given twice"));
  auto no_carrier = Diff("1380013", {{CmccNumber(1), ""}});
  EXPECT_THAT(no_carrier.status.error_message(), HasSubstr("entries[0].serving_carrier is empty"));
  auto bad_number = Diff("1380013", {{"1380013000x", "cucc"}});
  EXPECT_EQ(bad_number.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad_number.status.error_message(), HasSubstr("entries[0].msisdn: "));

  EXPECT_EQ(Compare(Summaries(CorrectCopy()), "nobody").status.error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace npd::testing
