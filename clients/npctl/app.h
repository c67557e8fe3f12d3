// npctl's entry point, apart from main() so that it can be driven from tests.
#ifndef NPD_CLIENTS_NPCTL_APP_H_
#define NPD_CLIENTS_NPCTL_APP_H_

namespace npd::npctl {

// Parses the command line, runs the named command against npd and returns the process exit code:
// kExitOk, kExitRpcError or kExitUsage (see session.h). Prints results to stdout and errors to
// stderr.
int Run(int argc, char** argv);

}  // namespace npd::npctl

#endif  // NPD_CLIENTS_NPCTL_APP_H_
