// npctl: command-line client of npd. See clients/README.md.
#include "clients/npctl/app.h"

int main(int argc, char** argv) { return npd::npctl::Run(argc, argv); }
