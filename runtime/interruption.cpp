#include "runtime/interruption.h"

#include <csignal>

namespace mlops::runtime {
namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

volatile std::sig_atomic_t firstSignal = 0;
volatile std::sig_atomic_t signalCount = 0;
std::string stopRequested;  // stopRun's why: set by the run itself, never by a handler
struct sigaction previous[sizeof kSignals / sizeof kSignals[0]];

extern "C" void onInterrupt(int signal) {
  if (firstSignal == 0) firstSignal = signal;
  signalCount = signalCount + 1;
}

}  // namespace

RunInterruptions::RunInterruptions() {
  firstSignal = 0;
  signalCount = 0;
  stopRequested.clear();
  struct sigaction action {};
  action.sa_handler = onInterrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: blocking calls return EINTR and look at the flag
  for (size_t i = 0; i < sizeof kSignals / sizeof kSignals[0]; ++i) {
    ::sigaction(kSignals[i], nullptr, &previous[i]);
    // Ignored when mlopsc started (`nohup`, a background job of a
    // non-interactive shell): stays ignored, as a shell does.
    if (previous[i].sa_handler != SIG_IGN) ::sigaction(kSignals[i], &action, nullptr);
  }
}

RunInterruptions::~RunInterruptions() {
  for (size_t i = 0; i < sizeof kSignals / sizeof kSignals[0]; ++i) ::sigaction(kSignals[i], &previous[i], nullptr);
  firstSignal = 0;
  signalCount = 0;
  stopRequested.clear();
}

int interruptSignal() { return firstSignal; }

void stopRun(const std::string& why) {
  if (stopRequested.empty()) stopRequested = why;
}

bool runStopping() { return firstSignal != 0 || !stopRequested.empty(); }

std::string stopWhy() {
  if (firstSignal != 0) return std::string("the run was interrupted by ") + interruptName();
  return stopRequested;
}

unsigned interruptCount() { return static_cast<unsigned>(signalCount); }

const char* interruptName() {
  switch (firstSignal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "";
  }
}

}  // namespace mlops::runtime
