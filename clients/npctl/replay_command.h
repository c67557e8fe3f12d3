// The offline commands: they open a data directory (a checkpoint of a live npd) directly and run
// its journal through npd's own engine (daemon/replay) instead of calling npd. npctl links the
// daemon's replay library for these only: replay must run the very code that wrote the state.
#ifndef NPD_CLIENTS_NPCTL_REPLAY_COMMAND_H_
#define NPD_CLIENTS_NPCTL_REPLAY_COMMAND_H_

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "absl/time/time.h"
#include "clients/npctl/options.h"
#include "clients/npctl/session.h"

namespace npd::npctl {

// `replay --data-dir DIR [--until SEQ|TIME] [--scratch DIR] [--max-differences N]`.
void AddReplayCommand(CLI::App& app, Session& session, Action& action);

// A point in history: all digits is an event sequence; otherwise a time, RFC 3339
// ("2026-11-29T10:00:00+08:00") or China time "YYYY-MM-DD HH:MM[:SS]" / "YYYY-MM-DD".
struct HistoryPoint {
  uint64_t event_sequence = 0;
  std::optional<absl::Time> time;
};
// Throws UsageError for anything else.
HistoryPoint ParseHistoryPoint(const std::string& text);

// `history MSISDN --at POINT --data-dir DIR`: replays DIR up to POINT and prints the number as it
// was then (its record, its transactions and refund cases, its events so far). Returns the exit
// code.
int ShowNumberAt(Session& session, const std::string& data_dir, const std::string& msisdn,
                 const HistoryPoint& at);

}  // namespace npd::npctl

#endif  // NPD_CLIENTS_NPCTL_REPLAY_COMMAND_H_
