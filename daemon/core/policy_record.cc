#include "daemon/core/policy_record.h"

namespace npd::core {
namespace {

int64_t Us(absl::Duration d) { return absl::ToInt64Microseconds(d); }
absl::Duration FromUs(int64_t us) { return absl::Microseconds(us); }

}  // namespace

npd::store::v1::PortPolicyRecord ToRecord(const PortPolicy& policy) {
  npd::store::v1::PortPolicyRecord r;
  r.set_auth_code_ttl_us(Us(policy.auth_code_ttl));
  r.set_max_failed_code_attempts(policy.max_failed_code_attempts);
  r.set_port_interval_us(Us(policy.port_interval));
  r.set_donor_answer_time_us(Us(policy.donor_answer_time));
  r.set_donor_timeout(static_cast<int32_t>(policy.donor_timeout));
  r.set_cutover_mode(static_cast<int32_t>(policy.cutover.mode));
  r.set_cutover_window_start_us(Us(policy.cutover.window_start));
  r.set_cutover_window_end_us(Us(policy.cutover.window_end));
  r.set_blackout_last_days_of_month(policy.blackout.last_days_of_month);
  r.set_stale_after_us(Us(policy.stale_after));
  r.set_ack_timeout_us(Us(policy.ack_timeout));
  r.set_ack_resends(policy.ack_resends);
  r.set_max_return_notice_us(Us(policy.max_return_notice));
  r.set_rule_version(policy.rule_version);
  return r;
}

npd::store::v1::RefundPolicyRecord ToRecord(const RefundPolicy& policy) {
  npd::store::v1::RefundPolicyRecord r;
  r.set_claim_window_us(Us(policy.claim_window));
  r.set_payee_fix_grace_us(Us(policy.payee_fix_grace));
  r.set_max_attempts(policy.max_attempts);
  r.set_retry_initial_us(Us(policy.retry_initial));
  r.set_retry_max_us(Us(policy.retry_max));
  r.set_poll_interval_us(Us(policy.poll_interval));
  r.set_final_bill_wait_us(Us(policy.final_bill_wait));
  return r;
}

PortPolicy FromRecord(const npd::store::v1::PortPolicyRecord& r) {
  PortPolicy p;
  p.auth_code_ttl = FromUs(r.auth_code_ttl_us());
  p.max_failed_code_attempts = r.max_failed_code_attempts();
  p.port_interval = FromUs(r.port_interval_us());
  p.donor_answer_time = FromUs(r.donor_answer_time_us());
  if (r.donor_timeout() == static_cast<int32_t>(DonorTimeoutPolicy::kDeemedConsent)) {
    p.donor_timeout = DonorTimeoutPolicy::kDeemedConsent;
  }
  switch (r.cutover_mode()) {
    case static_cast<int32_t>(CutoverPolicy::Mode::kImmediate):
      p.cutover.mode = CutoverPolicy::Mode::kImmediate;
      break;
    case static_cast<int32_t>(CutoverPolicy::Mode::kWindow):
      p.cutover.mode = CutoverPolicy::Mode::kWindow;
      break;
    default:
      p.cutover.mode = CutoverPolicy::Mode::kNextHour;
  }
  p.cutover.window_start = FromUs(r.cutover_window_start_us());
  p.cutover.window_end = FromUs(r.cutover_window_end_us());
  p.blackout.last_days_of_month = r.blackout_last_days_of_month();
  p.stale_after = FromUs(r.stale_after_us());
  p.ack_timeout = FromUs(r.ack_timeout_us());
  p.ack_resends = r.ack_resends();
  p.max_return_notice = FromUs(r.max_return_notice_us());
  p.rule_version = r.rule_version();
  return p;
}

RefundPolicy FromRecord(const npd::store::v1::RefundPolicyRecord& r) {
  RefundPolicy p;
  p.claim_window = FromUs(r.claim_window_us());
  p.payee_fix_grace = FromUs(r.payee_fix_grace_us());
  p.max_attempts = r.max_attempts();
  p.retry_initial = FromUs(r.retry_initial_us());
  p.retry_max = FromUs(r.retry_max_us());
  p.poll_interval = FromUs(r.poll_interval_us());
  p.final_bill_wait = FromUs(r.final_bill_wait_us());
  return p;
}

}  // namespace npd::core
