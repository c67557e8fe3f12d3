// npd-carrier-sim: see clients/carrier_sim/README.md.
#include "clients/carrier_sim/app.h"

int main(int argc, char** argv) { return npd::carrier_sim::Run(argc, argv); }
