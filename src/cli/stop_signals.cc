#include "cli/stop_signals.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vox::cli {
namespace {

int g_signal_pipe[2] = {-1, -1};

constexpr int kSignals[] = {SIGTERM, SIGINT, SIGHUP};

// Async-signal-safe: one write(), errno kept for the interrupted code.
void ForwardSignal(int sig) {
  const int saved = errno;
  const unsigned char number = static_cast<unsigned char>(sig);
  (void)!::write(g_signal_pipe[1], &number, 1);  // a full pipe already holds a stop
  errno = saved;
}

sigset_t StopSignalSet() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : kSignals) sigaddset(&set, sig);
  return set;
}

}  // namespace

Status InstallStopSignals() {
  if (g_signal_pipe[0] < 0 && ::pipe2(g_signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    return Internal(std::string("cannot create the signal pipe: ") + std::strerror(errno));
  }
  // The read end blocks: Wait() sleeps on it.
  ::fcntl(g_signal_pipe[0], F_SETFL, ::fcntl(g_signal_pipe[0], F_GETFL) & ~O_NONBLOCK);
  const sigset_t set = StopSignalSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  struct sigaction action {};
  action.sa_handler = ForwardSignal;
  action.sa_flags = SA_RESTART;
  sigfillset(&action.sa_mask);
  for (int sig : kSignals) ::sigaction(sig, &action, nullptr);
  return {};
}

int WaitForStopSignal(const std::function<void()>& reload) {
  const sigset_t set = StopSignalSet();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);  // pending ones run the handler now
  for (;;) {
    unsigned char number = 0;
    const ssize_t n = ::read(g_signal_pipe[0], &number, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n != 1) return SIGTERM;  // the pipe is gone: stop rather than spin
    if (number != SIGHUP) return number;
    reload();
  }
}

}  // namespace vox::cli
