// The trust boundary of the real npd binary: a flood of connections against a low open-file
// limit never stops npd from accepting, and requests nobody could decode neither get a log line
// each nor anything else than INVALID_ARGUMENT.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <future>
#include <sstream>
#include <vector>

#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/npd_client.h"
#include "tests/support/npd_process.h"
#include "tests/support/temp_dir.h"

namespace npd::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A raw TCP connection to npd's port, from `source` (another loopback address plays another host).
int ConnectTo(const std::string& address, const char* source = nullptr) {
  int port = 0;
  if (!absl::SimpleAtoi(address.substr(address.rfind(':') + 1), &port)) return -1;
  return ConnectLoopback(port, source);
}

class TrustBoundaryTest : public ::testing::Test {
 protected:
  void Launch(std::map<std::string, std::string> extra, uint64_t open_files = 0) {
    std::map<std::string, std::string> settings = {{"plan.dir", NPD_DATA_DIR},
                                                   {"security.identity_secret", "tb-secret"}};
    for (auto& [k, v] : extra) settings[k] = v;
    npd_ = std::make_unique<NpdProcess>(NPD_BINARY, dir_.Sub("data"), settings);
    if (open_files > 0) npd_->set_open_file_limit(open_files);
    ASSERT_TRUE(npd_->Start()) << ReadAll(npd_->log_path());
    client_ = std::make_unique<NpdClient>(npd_->address());
    ASSERT_TRUE(client_->WaitReady(10));
  }

  TempDir dir_;
  std::unique_ptr<NpdProcess> npd_;
  std::unique_ptr<NpdClient> client_;
};

TEST_F(TrustBoundaryTest, AConnectionFloodAtALowFileLimitNeverStopsNpdAccepting) {
  // 1024 descriptors: 300 connections + 64 table files + npd's own 512 fit; the flood does not.
  Launch({{"server.max_connections", "300"},
          {"server.max_connections_per_ip", "200"},
          {"server.accepts_per_ip_per_second", "100000"},
          {"server.handshake_timeout", "2s"},
          {"storage.max_open_files", "64"}},
         1024);
  // Another host (127.0.0.2) opens 1500 raw TCP connections that never speak TLS, and holds them.
  std::vector<int> flood;
  for (int i = 0; i < 1500; ++i) {
    const int fd = ConnectTo(npd_->address(), "127.0.0.2");
    if (fd >= 0) flood.push_back(fd);
  }
  EXPECT_GT(flood.size(), 1000u) << "the kernel queues what npd does not accept";
  absl::SleepFor(absl::Milliseconds(300));
  // npd is still there and accepting: a carrier from another address connects and is served.
  NpdClient during(npd_->address());
  EXPECT_TRUE(during.Lookup("ctcc", "13800138000").ok());
  // The flood's connections that never finish a handshake are closed after it times out, and
  // npd goes on accepting (even from the flooding host) once the flood stops.
  absl::SleepFor(absl::Seconds(3));
  for (int fd : flood) ::close(fd);
  absl::SleepFor(absl::Milliseconds(1500));
  NpdClient after(npd_->address());
  EXPECT_TRUE(after.Lookup("cmcc", "13800138000").ok());
  EXPECT_GE(ConnectTo(npd_->address(), "127.0.0.2"), 0);
  const std::string log = ReadAll(npd_->log_path());
  EXPECT_THAT(log, Not(::testing::HasSubstr("Too many open files"))) << log.substr(0, 2000);
}

TEST_F(TrustBoundaryTest, UndecodableRequestsAreAnsweredWithoutALogLineEach) {
  Launch({});
  const size_t before = ReadAll(npd_->log_path()).size();
  // 300 SubmitPort requests whose msisdn is not UTF-8, as the cmcc certificate.
  const std::string bytes = std::string("\x12\x03", 2) + "\xc3\x28\xff";
  grpc::GenericStub stub(client_->channel("cmcc"));
  int invalid = 0;
  for (int i = 0; i < 300; ++i) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1), response;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&context, "/npd.v1.PortingService/SubmitPort", grpc::StubOptions(), &request,
                   &response, [&done](grpc::Status s) { done.set_value(std::move(s)); });
    if (done.get_future().get().error_code() == grpc::StatusCode::INVALID_ARGUMENT) ++invalid;
  }
  EXPECT_EQ(invalid, 300);
  // And 100 plaintext connection attempts that fail the TLS handshake.
  for (int i = 0; i < 100; ++i) {
    const int fd = ConnectTo(npd_->address());
    if (fd < 0) continue;
    const char preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    (void)!::write(fd, preface, sizeof(preface) - 1);
    ::close(fd);
  }
  absl::SleepFor(absl::Milliseconds(300));
  const std::string log = ReadAll(npd_->log_path()).substr(before);
  const std::vector<std::string> lines = absl::StrSplit(log, '\n', absl::SkipEmpty());
  EXPECT_LE(lines.size(), 6u) << log;
  EXPECT_THAT(log, Not(::testing::HasSubstr("libprotobuf ERROR")));
}

}  // namespace
}  // namespace npd::testing
