// npctl's operations commands against FakeNpd: `ops attention` (kind filter, pages, lines, JSON),
// `ops cancel`, and the reason that `port resend`, `refund redrive` and `ops cancel` require.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/clients/npctl/npctl_fixture.h"

namespace npd::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

TEST_F(NpctlTest, OpsAttentionPrintsOneLinePerItemAndAnnouncesTheNextPage) {
  const NpctlResult result = Npctl({"--as", "operator", "ops", "attention"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            "PARTIAL_FAILURE  13800138000  P000000000001  PARTIAL_FAILURE  "
            "2026-11-29T11:00:00+08:00  not confirmed by ctcc after 1 resend(s)\n"
            "DONOR_OVERDUE    13301001234  P000000000002  PENDING_DONOR  "
            "2026-11-29T11:00:00+08:00  donor ctcc has not answered\n");
  EXPECT_THAT(result.err, HasSubstr("--page-token P000000000002"));
  ASSERT_THAT(npd_.attention_requests(), SizeIs(1));
  EXPECT_EQ(npd_.attention_requests()[0].kind(), npd::v1::ATTENTION_KIND_UNSPECIFIED);
  EXPECT_THAT(npd_.callers(), ElementsAre("operator"));
}

TEST_F(NpctlTest, OpsAttentionFollowsEveryPageWithAll) {
  const NpctlResult result = Npctl({"--as", "operator", "ops", "attention", "--all"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out,
              HasSubstr("STUCK_REFUND     13800138001  P000000000003 R000000000003  STUCK  "
                        "2026-11-29T11:00:00+08:00  step PAYOUT after 8 attempt(s)"));
  ASSERT_THAT(npd_.attention_requests(), SizeIs(2));
  EXPECT_EQ(npd_.attention_requests()[1].page_token(), "P000000000002");
}

TEST_F(NpctlTest, OpsAttentionSendsTheKindInAnySpelling) {
  for (const char* kind : {"stuck_refund", "STUCK-REFUND", "ATTENTION_KIND_STUCK_REFUND"}) {
    const NpctlResult result =
        Npctl({"--as", "operator", "--json", "ops", "attention", "--kind", kind});
    ASSERT_EQ(result.exit_code, 0) << kind << ": " << result.err;
    EXPECT_THAT(result.out, HasSubstr("\"refund_id\":\"R000000000003\""));
    EXPECT_EQ(npd_.attention_requests().back().kind(), npd::v1::ATTENTION_KIND_STUCK_REFUND);
  }
  const NpctlResult bad = Npctl({"--as", "operator", "ops", "attention", "--kind", "broken"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("DONOR_OVERDUE"));
  EXPECT_THAT(npd_.attention_requests(), SizeIs(3)) << "nothing sent for a bad kind";
}

TEST_F(NpctlTest, OpsAttentionAsACarrierIsDenied) {
  const NpctlResult result = Npctl({"--as", "cmcc", "ops", "attention"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("PERMISSION_DENIED"));
  EXPECT_EQ(result.out, "");
}

TEST_F(NpctlTest, OpsCancelSendsTheReasonAndPrintsTheCancelledPort) {
  const NpctlResult result = Npctl({"--as", "operator", "ops", "cancel", "P000000000002",
                                    "--reason", "donor silent for 31 days"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_THAT(npd_.stale_cancel_requests(), SizeIs(1));
  const npd::v1::CancelStalePortRequest sent = npd_.stale_cancel_requests()[0];
  EXPECT_EQ(sent.port_id(), "P000000000002");
  EXPECT_EQ(sent.reason(), "donor silent for 31 days");
  ASSERT_FALSE(sent.request_id().empty());
  EXPECT_EQ(result.err, "request-id: " + sent.request_id() + "\n");
  EXPECT_THAT(result.out, HasSubstr("CANCELLED"));
  EXPECT_THAT(result.out, HasSubstr("donor silent for 31 days"));

  const NpctlResult missing =
      Npctl({"--as", "operator", "ops", "cancel", FakeNpd::kMissingPort, "--reason", "x"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("NOT_FOUND"));
}

TEST_F(NpctlTest, RepairsWithoutAReasonAreRefusedBeforeAnythingIsSent) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--as", "operator", "ops", "cancel", "P000000000002"},
           {"--as", "operator", "port", "resend", "P000000000001"},
           {"--as", "operator", "refund", "redrive", "R000000000001"}}) {
    const NpctlResult result = Npctl(args);
    EXPECT_EQ(result.exit_code, 2) << args[3];
    EXPECT_THAT(result.err, HasSubstr("--reason")) << args[3];
  }
  EXPECT_THAT(npd_.callers(), IsEmpty());
}

TEST_F(NpctlTest, ResendAndRedriveSendTheReason) {
  ASSERT_EQ(
      Npctl({"--as", "operator", "port", "resend", "P000000000001", "--reason", "ctcc back online"})
          .exit_code,
      0);
  ASSERT_THAT(npd_.resend_requests(), SizeIs(1));
  EXPECT_EQ(npd_.resend_requests()[0].reason(), "ctcc back online");

  ASSERT_EQ(
      Npctl({"--as", "operator", "refund", "redrive", "R000000000001", "--reason", "gateway fixed"})
          .exit_code,
      0);
  ASSERT_THAT(npd_.redrive_requests(), SizeIs(1));
  EXPECT_EQ(npd_.redrive_requests()[0].note(), "gateway fixed");
}

}  // namespace
}  // namespace npd::testing
