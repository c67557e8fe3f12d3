// A PKI for tests, made with OpenSSL in a temporary directory laid out as scripts/dev-pki lays out
// its own (ca.pem, server.pem/.key, outside.pem/.key, <name>.pem/.key), so that the client
// library's identities (clients/client/identity.h) read it as they read a real one. Tests that
// need odd certificates (expired, from another CA, an unknown or a second URI) issue them here.
#ifndef NPD_TESTS_SUPPORT_TEST_PKI_H_
#define NPD_TESTS_SUPPORT_TEST_PKI_H_

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <grpcpp/channel.h>
#include <grpcpp/support/channel_arguments.h>

#include "absl/time/time.h"
#include "tests/support/temp_dir.h"

namespace npd::testing {

// The person every operator call of the tests is made by.
inline constexpr char kTestOperator[] = "test-operator";

struct CertSpec {
  // URI subject alternative names (npd wants exactly one).
  std::vector<std::string> uris;
  // Validity, relative to now.
  absl::Duration not_before = -absl::Hours(1);
  absl::Duration not_after = absl::Hours(24);
  // Signed by a CA that npd does not trust.
  bool foreign_ca = false;
};

class TestPki {
 public:
  // A new CA, npd's certificate (localhost, 127.0.0.1, ::1) and the outside systems' one.
  TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  // The PKI the tests of one process share.
  static TestPki& Shared();

  const std::string& dir() const { return dir_.path(); }
  std::string CaFile() const { return dir_.Sub("ca.pem"); }
  std::string ServerCert() const { return dir_.Sub("server.pem"); }
  std::string ServerKey() const { return dir_.Sub("server.key"); }
  // The payee key file (security.payee_key_file), mode 0600, as scripts/dev-pki writes it.
  std::string PayeeKeyFile() const { return dir_.Sub("payee.key"); }

  // Writes DIR/<name>.pem and DIR/<name>.key (replacing them atomically). Thread-safe.
  void Issue(const std::string& name, const CertSpec& spec);
  // Issues identity `name` (clients/client/identity.h names) unless it exists. Thread-safe.
  void Ensure(const std::string& name);
  // dir() after Ensure(name) for each name: for processes that read their identity from it.
  std::string DirFor(const std::vector<std::string>& names);
  // CA rotation in its three steps, each file replaced atomically (whoever watches the files picks
  // the change up at its next refresh):
  //   1. BeginCaRotation: a new CA; ca.pem holds the old and the new one (both trusted).
  //   2. ReissueAll: npd's, the outside systems' and every standard identity's certificate is
  //      issued again by the new CA.
  //   3. FinishCaRotation: ca.pem holds the new CA only.
  void BeginCaRotation();
  void ReissueAll();
  void FinishCaRotation();

  struct Authority;  // a CA's key and certificate (test_pki.cc)

 private:
  void WriteCa();
  void IssueLocked(const std::string& name, const CertSpec& spec, bool server);

  TempDir dir_;
  std::mutex mu_;
  std::shared_ptr<Authority> ca_;       // guarded by mu_: issues certificates
  std::shared_ptr<Authority> old_ca_;   // guarded by mu_: still trusted during a rotation
  std::shared_ptr<Authority> foreign_;  // guarded by mu_
  std::set<std::string> issued_;        // guarded by mu_: standard identities
};

// The identity name of a test role: "operator" is kTestOperator's certificate; others as they are.
std::string TestIdentityName(const std::string& role);

// A channel to `address` as `role` over mutual TLS with the shared PKI: a standard identity is
// issued on first use; any other name must have been issued (TestPki::Issue) before. Cached per
// address and role.
std::shared_ptr<grpc::Channel> TestChannel(const std::string& address, const std::string& role);
// A channel to `address` over TLS that trusts npd's certificate but presents none.
std::shared_ptr<grpc::Channel> AnonymousTestChannel(const std::string& address);
// A fresh (uncached) channel, e.g. with a short reconnect backoff.
std::shared_ptr<grpc::Channel> NewTestChannel(const std::string& address, const std::string& role,
                                              grpc::ChannelArguments args);

}  // namespace npd::testing

#endif  // NPD_TESTS_SUPPORT_TEST_PKI_H_
