#include "tests/support/test_pki.h"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <tuple>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/client/identity.h"

namespace npd::testing {

struct TestPki::Authority {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr, &EVP_PKEY_free};
  std::unique_ptr<X509, decltype(&X509_free)> cert{nullptr, &X509_free};
};

namespace {

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(absl::StrCat("test PKI: ", what, " failed"));
}

std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> NewKey() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  Check(key != nullptr, "EC key generation");
  return key;
}

void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  Check(ext != nullptr, "certificate extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for `key` named `cn`, signed by `issuer` (self-signed when null).
std::unique_ptr<X509, decltype(&X509_free)> NewCert(
    EVP_PKEY* key, const std::string& cn, const TestPki::Authority* issuer,
    absl::Duration not_before, absl::Duration not_after,
    const std::vector<std::pair<int, std::string>>& extensions) {
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), &X509_free);
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof(serial));
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), absl::ToInt64Seconds(not_before));
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), absl::ToInt64Seconds(not_after));
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("npd tests"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509* issuer_cert = issuer != nullptr ? issuer->cert.get() : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer_cert));
  for (const auto& [nid, value] : extensions) AddExtension(cert.get(), issuer_cert, nid, value);
  EVP_PKEY* signer = issuer != nullptr ? issuer->key.get() : key;
  Check(X509_sign(cert.get(), signer, EVP_sha256()) > 0, "certificate signature");
  return cert;
}

std::shared_ptr<TestPki::Authority> NewAuthority(const std::string& cn) {
  auto ca = std::make_shared<TestPki::Authority>();
  ca->key = NewKey();
  ca->cert = NewCert(ca->key.get(), cn, nullptr, -absl::Hours(1), absl::Hours(24 * 30),
                     {{NID_basic_constraints, "critical,CA:TRUE"},
                      {NID_key_usage, "critical,keyCertSign,cRLSign"}});
  return ca;
}

// Writes `text` to `path` through a temporary file and a rename, so that a watcher never reads
// half a file.
void WriteAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  FILE* out = std::fopen(tmp.c_str(), "wb");
  Check(out != nullptr, "opening a PKI file");
  std::fwrite(text.data(), 1, text.size(), out);
  std::fclose(out);
  std::filesystem::rename(tmp, path);
}

std::string Pem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string text(data, static_cast<size_t>(size));
  BIO_free(bio);
  return text;
}

std::string Pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string text(data, static_cast<size_t>(size));
  BIO_free(bio);
  return text;
}

}  // namespace

TestPki::TestPki() : ca_(NewAuthority("npd test CA")), foreign_(NewAuthority("another CA")) {
  std::lock_guard lock(mu_);
  WriteCa();
  IssueLocked("server", {.uris = {"spiffe://npd/npd"}}, /*server=*/true);
  IssueLocked("outside", {.uris = {"spiffe://npd/outside"}}, /*server=*/true);
  unsigned char key[32];
  Check(RAND_bytes(key, sizeof(key)) == 1, "a payee key");
  WriteAtomically(PayeeKeyFile(),
                  "# npd test payee key\ntest-1 " +
                      absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(key), 32)) +
                      "\n");
  std::filesystem::permissions(
      PayeeKeyFile(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TestPki& TestPki::Shared() {
  static TestPki pki;  // its directory is removed at exit
  return pki;
}

void TestPki::WriteCa() {
  std::string bundle = Pem(ca_->cert.get());
  if (old_ca_ != nullptr) bundle += Pem(old_ca_->cert.get());
  WriteAtomically(dir_.Sub("ca.pem"), bundle);
}

std::string TestPki::DirFor(const std::vector<std::string>& names) {
  for (const std::string& name : names) Ensure(name);
  return dir();
}

void TestPki::Issue(const std::string& name, const CertSpec& spec) {
  std::lock_guard lock(mu_);
  IssueLocked(name, spec, /*server=*/false);
}

void TestPki::IssueLocked(const std::string& name, const CertSpec& spec, bool server) {
  auto key = NewKey();
  std::vector<std::string> sans;
  if (server) sans = {"DNS:localhost", "IP:127.0.0.1", "IP:::1"};
  for (const auto& uri : spec.uris) sans.push_back(absl::StrCat("URI:", uri));
  std::vector<std::pair<int, std::string>> extensions = {
      {NID_basic_constraints, "critical,CA:FALSE"},
      {NID_key_usage, "critical,digitalSignature"},
      {NID_ext_key_usage, server ? "serverAuth,clientAuth" : "clientAuth"}};
  if (!sans.empty()) extensions.emplace_back(NID_subject_alt_name, absl::StrJoin(sans, ","));
  const Authority& issuer = spec.foreign_ca ? *foreign_ : *ca_;
  auto cert = NewCert(key.get(), name, &issuer, spec.not_before, spec.not_after, extensions);
  // The key first: a watcher that reads the pair in between sees a mismatch and keeps the old one.
  WriteAtomically(dir_.Sub(name + ".key"), Pem(key.get()));
  WriteAtomically(dir_.Sub(name + ".pem"), Pem(cert.get()));
}

void TestPki::Ensure(const std::string& name) {
  std::lock_guard lock(mu_);
  if (issued_.contains(name)) return;
  auto uri = client::PrincipalUriForName(name);
  Check(uri.ok(), "an identity name");
  IssueLocked(name, {.uris = {*uri}}, /*server=*/false);
  issued_.insert(name);
}

void TestPki::BeginCaRotation() {
  std::lock_guard lock(mu_);
  old_ca_ = ca_;
  ca_ = NewAuthority("npd test CA (rotated)");
  WriteCa();
}

void TestPki::FinishCaRotation() {
  std::lock_guard lock(mu_);
  old_ca_.reset();
  WriteCa();
}

void TestPki::ReissueAll() {
  std::lock_guard lock(mu_);
  IssueLocked("server", {.uris = {"spiffe://npd/npd"}}, /*server=*/true);
  IssueLocked("outside", {.uris = {"spiffe://npd/outside"}}, /*server=*/true);
  for (const std::string& name : issued_) {
    IssueLocked(name, {.uris = {*client::PrincipalUriForName(name)}}, /*server=*/false);
  }
}

std::string TestIdentityName(const std::string& role) {
  return client::IdentityName(role, kTestOperator);
}

std::shared_ptr<grpc::Channel> NewTestChannel(const std::string& address, const std::string& role,
                                              grpc::ChannelArguments args) {
  TestPki& pki = TestPki::Shared();
  const std::string name = TestIdentityName(role);
  // A standard identity is issued on first use; an odd one must have been issued by the test.
  if (!std::filesystem::exists(pki.dir() + "/" + name + ".pem")) pki.Ensure(name);
  auto channel =
      client::CreateIdentityChannel(address, {.tls_dir = pki.dir(), .name = name}, std::move(args));
  Check(channel.ok(), "a test channel");
  return *std::move(channel);
}

std::shared_ptr<grpc::Channel> AnonymousTestChannel(const std::string& address) {
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_certificate_provider(
      std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
          TestPki::Shared().CaFile(), 1));
  options.watch_root_certs();
  return grpc::CreateChannel(address, grpc::experimental::TlsCredentials(options));
}

std::shared_ptr<grpc::Channel> TestChannel(const std::string& address, const std::string& role) {
  static std::mutex mu;
  static auto* cache =
      new std::map<std::pair<std::string, std::string>, std::shared_ptr<grpc::Channel>>();
  std::lock_guard lock(mu);
  auto& channel = (*cache)[{address, role}];
  if (channel == nullptr) channel = NewTestChannel(address, role, grpc::ChannelArguments());
  return channel;
}

}  // namespace npd::testing
