// `lantern serve`: one process over a store (or over the published files
// alone) that serves the web app and the JSON API under /api/v1, sharing
// exactly what each user may see (server/access.h; docs/server.md,
// docs/access.md).
//
// It listens at once; the published figures (the build's families and the
// scorecard) are computed from the store in the background, and until they
// are ready the endpoints that need them answer 503 with a message. Pupil
// records are read from the loaded store on each request, for the entitled
// only, and every such read is written to the audit log first.
#ifndef LANTERN_SERVER_SERVER_H_
#define LANTERN_SERVER_SERVER_H_

#include <atomic>
#include <memory>
#include <string>

#include "lantern/status.h"
#include "server/accounts.h"

namespace lantern::server {

struct ServerOptions {
  std::string store_dir;  // pupil-level mode
  // The previous year's store (one store holds one academic year): pupil
  // voice change since its wave (docs/pupil-voice.md). Optional.
  std::string previous_store_dir;
  bool open_data = false;     // open-data mode: the published files alone, no accounts
  std::string open_data_dir;  // default: found as FindRealDataDir finds it
  std::string db_path;        // default STORE/lantern.db (pupil-level mode)
  std::string bind = "127.0.0.1";
  int port = 8080;  // 0: any free port (tests; port() tells which)
  std::string tls_cert, tls_key;
  std::string web_dir;      // the built web app (default: web/dist beside the sources)
  std::string work_dir;     // where the build's files go (default STORE/serve)
  std::string policy_file;  // as for build
  // User-defined places for the Local Outcomes Framework (docs/local-outcomes.md,
  // "Places"); default STORE/places.csv when the store has one.
  std::string places_file;
  // The published figures a store that is not all of England is compared
  // with (default: found as FindRealDataDir finds it); a folder without
  // them leaves those comparisons out (tests).
  std::string real_data_dir;
  int threads = 0;  // request workers and computation (0: one per core, at least 4 workers)
  AccountsOptions accounts;
  int io_timeout_seconds = 10;  // a client that sends or reads nothing for this long is dropped
  bool quiet = false;           // no request log (tests)
  // A folder the daily feed drops each day's input folder into (pupil-level
  // mode; docs/server.md, "A new day while it serves"): each folder is
  // ingested as `lantern ingest` would, the flags run when the store uses
  // them, and the new generation served in the old one's place. Empty: none.
  std::string inbox_dir;
  int inbox_poll_ms = 10000;  // how often the inbox is looked at
};

class Server {
 public:
  // Opens the database and the store and prepares the routes; computes
  // nothing yet.
  static Result<std::unique_ptr<Server>> Create(const ServerOptions& options);
  ~Server();

  // Binds, starts the background computation and serves until Stop().
  Status Run();
  // Binds and serves on a thread of its own; returns once it listens.
  Status Start();
  void Stop();
  int port() const;
  // Whether the published figures are ready (health says "ready").
  bool ready() const;
  // Blocks until they are ready or failed; the failure, if any.
  Status WaitReady();

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lantern::server

#endif  // LANTERN_SERVER_SERVER_H_
