// SIGTERM, SIGINT and SIGHUP for the long-running roles (serve, api, worker).
//
// Blocking the signals and calling sigwait() is not enough on its own:
// libraries start threads before main() (OpenBLAS starts its pool from a
// load-time constructor), those threads never saw our mask, and a
// process-directed SIGTERM delivered to one of them takes the default action
// and kills the process mid-drain. So a handler is installed as well: in
// whatever thread the signal lands, it writes the signal's number to a pipe
// that Wait() reads.
#pragma once

#include <functional>

#include "common/status.h"

namespace vox::cli {

// Installs the handlers and blocks the signals in the calling thread, so the
// threads it starts afterwards inherit the block. Call once, before any thread.
Status InstallStopSignals();

// Waits for SIGTERM or SIGINT and returns it; each SIGHUP meanwhile runs
// `reload`. Unblocks the signals in the calling thread only.
int WaitForStopSignal(const std::function<void()>& reload);

}  // namespace vox::cli
