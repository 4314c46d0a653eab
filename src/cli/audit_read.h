// The commands that show or write pupil-level data (referrals, flags, the
// children missing education case list, a skills passport) record each run
// in the store's audit log, as the server records each pupil-level read
// (docs/access.md, "The audit log"): who (the operating-system account that
// ran it, role "operator"), what, and on what basis. If the entry cannot
// be written the command shows and writes nothing.
#ifndef LANTERN_CLI_AUDIT_READ_H_
#define LANTERN_CLI_AUDIT_READ_H_

#include <pwd.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "lantern/status.h"
#include "server/accounts.h"

namespace lantern::cli {

// The operating-system account running the command ("uid N" without one).
inline std::string OperatorName() {
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr) {
    return pw->pw_name;
  }
  return "uid " + std::to_string(::geteuid());
}

// Appends an entry for `action` (the command: "lantern referrals show") on
// `target` ("referral:12 pupil:A123..." or "pupils:340") to STORE/lantern.db
// (created when the store has none).
inline Status AuditCommandRead(const std::string& store_dir, const std::string& action,
                               const std::string& target) {
  std::error_code ec;
  if (!std::filesystem::is_directory(store_dir, ec))
    return Status::NotFound("no store folder " + store_dir);
  auto accounts = server::Accounts::Open(store_dir + "/lantern.db");
  Status st = accounts.ok() ? Status::Ok() : accounts.status();
  if (st.ok()) {
    server::AuditEntry entry;
    entry.username = OperatorName();
    entry.role = "operator";
    entry.scope = "store";
    entry.action = action;
    entry.target = target;
    entry.basis = "command line: the account's access to the store's files";
    st = (*accounts)->Append(entry);
  }
  if (!st.ok()) {
    return Status::FailedPrecondition("the audit log could not be written (" + st.ToString() +
                                      "), so nothing is shown or written");
  }
  return Status::Ok();
}

}  // namespace lantern::cli

#endif  // LANTERN_CLI_AUDIT_READ_H_
