// The accounts database for the commands that manage it (users, agreements,
// audit): --store STORE (the database is STORE/lantern.db) or --db FILE.
#ifndef LANTERN_CLI_ACCOUNTS_DB_H_
#define LANTERN_CLI_ACCOUNTS_DB_H_

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "lantern/status.h"
#include "server/accounts.h"

namespace lantern::cli {

struct DbChoice {
  std::string store, db;
};

inline void AddDbOptions(CLI::App* cmd, DbChoice* c) {
  auto* store = cmd->add_option("--store", c->store, "store folder (database STORE/lantern.db)");
  auto* db = cmd->add_option("--db", c->db, "the accounts database file itself");
  store->excludes(db);
}

inline Result<std::unique_ptr<server::Accounts>> OpenDb(const DbChoice& c) {
  if (c.store.empty() == c.db.empty()) {
    return Status::InvalidArgument("give --store STORE or --db FILE");
  }
  if (!c.store.empty() && !std::filesystem::is_directory(c.store)) {
    return Status::NotFound("no store folder " + c.store);
  }
  return server::Accounts::Open(c.store.empty() ? c.db : c.store + "/lantern.db");
}

}  // namespace lantern::cli

#endif  // LANTERN_CLI_ACCOUNTS_DB_H_
