// npd-echo: the bare gRPC server of the side-by-side (benchmarks.md): the same gRPC build, callback
// API and transport as npd (mutual TLS with --tls-dir, as npd serves), answering EchoService with
// no work at all. Its throughput is the ceiling npd is measured against.
#include <csignal>
#include <fstream>
#include <iostream>

#include <grpcpp/grpcpp.h>
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "clients/client/identity.h"
#include "npd/bench/v1/echo.grpc.pb.h"

namespace {

class EchoService final : public npd::bench::v1::EchoService::CallbackService {
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const npd::bench::v1::EchoRequest* request,
                                 npd::bench::v1::EchoResponse* response) override {
    response->set_payload(request->payload());
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"npd-echo: a bare gRPC echo server, the ceiling for npbench"};
  std::string listen = "127.0.0.1:50061";
  std::string port_file;
  app.add_option("--listen", listen, "address to listen on (port 0 picks one)");
  app.add_option("--port-file", port_file, "write the bound host:port here once serving");
  std::string tls_dir;
  app.add_option("--tls-dir", tls_dir,
                 "serve mutual TLS as npd does: DIR/server.pem, DIR/server.key, client "
                 "certificates verified against DIR/ca.pem (scripts/dev-pki); unset: plaintext");
  CLI11_PARSE(app, argc, argv);

  std::shared_ptr<grpc::ServerCredentials> credentials =
      tls_dir.empty() ? grpc::InsecureServerCredentials()
                      : npd::client::MutualTlsServerCredentials(tls_dir, "server");

  boost::asio::io_context io;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  EchoService service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, credentials, &port);
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::cerr << "npd-echo: cannot listen on " << listen << "\n";
    return 1;
  }
  const std::string bound = listen.substr(0, listen.rfind(':')) + ":" + std::to_string(port);
  if (!port_file.empty()) std::ofstream(port_file) << bound << "\n";
  std::cerr << "npd-echo serving on " << bound << "\n";
  signals.async_wait([](const boost::system::error_code&, int) {});
  io.run();
  server->Shutdown();
  return 0;
}
