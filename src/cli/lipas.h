// The LIPAs of a store's agreements (STORE/lantern.db, imported by
// `lantern agreements import`), for the commands that route referrals.
#ifndef LANTERN_CLI_LIPAS_H_
#define LANTERN_CLI_LIPAS_H_

#include <filesystem>
#include <string>
#include <vector>

#include "flags/referrals.h"
#include "lantern/status.h"
#include "server/accounts.h"

namespace lantern::cli {

// No database: no LIPAs (referrals follow the national standards).
inline Result<std::vector<LipaTerms>> LoadLipas(const std::string& store_dir) {
  std::vector<LipaTerms> out;
  const std::string db = store_dir + "/lantern.db";
  std::error_code ec;
  if (!std::filesystem::exists(db, ec)) return out;
  LANTERN_ASSIGN_OR_RETURN(auto accounts, server::Accounts::Open(db));
  LANTERN_ASSIGN_OR_RETURN(auto agreements, accounts->ListAgreements());
  for (auto& a : agreements) {
    if (a.lipa) out.push_back(std::move(*a.lipa));
  }
  return out;
}

}  // namespace lantern::cli

#endif  // LANTERN_CLI_LIPAS_H_
