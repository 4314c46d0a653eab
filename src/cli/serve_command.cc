// lantern serve --store STORE | --open-data [DIR]: the web app and the JSON
// API (docs/server.md), until interrupted.
#include <fmt/format.h>
#include <signal.h>

#include <cstdio>
#include <memory>
#include <thread>

#include "cli/command_registry.h"
#include "server/server.h"

namespace lantern::cli {
namespace {

bool IsLoopback(const std::string& bind) {
  return bind == "127.0.0.1" || bind == "localhost" || bind == "::1" || bind.rfind("127.", 0) == 0;
}

void AddServe(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<server::ServerOptions>();
  auto open_data = std::make_shared<std::string>();
  auto inbox_seconds = std::make_shared<int>(10);
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Serve the web app and the JSON API over a store (pupil-level mode: accounts, pupil records "
      "for the entitled, every read audited) or over the published files alone (--open-data: "
      "public, no accounts). Example: lantern serve --store out/demo/store --port 8080");
  auto* store = cmd->add_option("--store", o->store_dir, "a store folder (pupil-level mode)");
  auto* od = cmd->add_option("--open-data", *open_data,
                             "serve the open-data scorecards of every school in England from the "
                             "published files (DIR, default: the one found beside the repository)")
                 ->expected(0, 1);
  store->excludes(od);
  cmd->add_option("--previous-store", o->previous_store_dir,
                  "the previous year's store: pupil voice change since its wave and the Local "
                  "Outcomes Framework's year before (optional)");
  cmd->add_option("--port", o->port, "port (default 8080; 0: any free port)");
  cmd->add_option("--bind", o->bind, "address to listen on (default 127.0.0.1)");
  cmd->add_option("--db", o->db_path, "accounts and audit database (default STORE/lantern.db)");
  cmd->add_option("--tls-cert", o->tls_cert, "TLS certificate (PEM): serve HTTPS");
  cmd->add_option("--tls-key", o->tls_key, "TLS private key (PEM)");
  cmd->add_option("--web", o->web_dir, "the built web app (default: web/dist beside the sources)");
  cmd->add_option("--policy", o->policy_file, "JSON policy overrides, as for build");
  cmd->add_option("--places", o->places_file,
                  "user-defined places for the Local Outcomes Framework, as for outcomes "
                  "(default: STORE/places.csv when the store has one)");
  cmd->add_option("--threads", o->threads, "computation threads (default: one per core)");
  auto* inbox = cmd->add_option(
      "--inbox", o->inbox_dir,
      "a folder for the daily feed (pupil-level mode): each folder moved into it is taken in "
      "as `lantern ingest FOLDER --store STORE --flags` would (the flags where the store keeps "
      "them), the new day served in place of the old without a restart, and the folder moved "
      "to INBOX/done or INBOX/failed beside a note of what became of it (docs/server.md)");
  inbox->excludes(od);
  auto* every = cmd->add_option("--inbox-every", *inbox_seconds,
                                "seconds between looks at the inbox (default 10)")
                    ->check(CLI::Range(1, 86400));
  every->needs(inbox);
  cmd->footer(
      "Examples:\n"
      "  lantern serve --store out/demo/store             # http://127.0.0.1:8080\n"
      "  lantern serve --open-data --port 8081             # every school in England, public\n"
      "  lantern serve --store y2019/store --previous-store y2018/store  # pupil voice change, LOF "
      "trend\n"
      "  lantern serve --store S --bind 0.0.0.0 --tls-cert cert.pem --tls-key key.pem\n"
      "  lantern serve --store S --inbox feed/   # then each day: mv day-2019-03-14 feed/\n"
      "Accounts: lantern users add NAME --role ROLE --scope CODE --store S (docs/access.md).");
  cmd->callback([o, od, open_data, inbox_seconds, exit_code] {
    o->inbox_poll_ms = *inbox_seconds * 1000;
    if (od->count() > 0) {
      o->open_data = true;
      o->open_data_dir = *open_data;
    }
    if (!o->open_data && o->store_dir.empty()) {
      *exit_code =
          ReportFailure("serve", Status::InvalidArgument("give --store STORE or --open-data"));
      return;
    }
    if (!IsLoopback(o->bind) && o->tls_cert.empty()) {
      std::fprintf(stderr,
                   "lantern serve: WARNING: listening on %s without TLS: passwords and pupil "
                   "records would cross the network in clear. Give --tls-cert and --tls-key.\n",
                   o->bind.c_str());
    }
    // SIGINT and SIGTERM stop the server cleanly: blocked here (and so in
    // every thread started after), taken by one thread that stops it.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    auto server = server::Server::Create(*o);
    if (!server.ok()) {
      *exit_code = ReportFailure("serve", server.status());
      return;
    }
    server::Server& s = **server;
    if (Status st = s.Start(); !st.ok()) {
      *exit_code = ReportFailure("serve", st);
      return;
    }
    std::printf("lantern serve: %s on %s://%s:%d/ (%s)\n",
                o->open_data ? "open data" : o->store_dir.c_str(),
                o->tls_cert.empty() ? "http" : "https", o->bind.c_str(), s.port(),
                "Ctrl-C to stop");
    std::fflush(stdout);
    int sig = 0;
    sigwait(&signals, &sig);
    std::fprintf(stderr, "lantern serve: stopping\n");
    s.Stop();
  });
}

const CommandRegistrar kRegistrar({"serve", 60, AddServe});

}  // namespace
}  // namespace lantern::cli
