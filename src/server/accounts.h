// The server's own database (SQLite, STORE/lantern.db by default): accounts,
// sessions, API tokens, data-sharing agreements and the audit log. The
// schema is versioned (table schema_version) and migrated on open; the
// database runs in WAL mode so a killed server loses nothing committed.
//
// Passwords are hashed with Argon2id (libsodium crypto_pwhash_str);
// session and API tokens are 32 random bytes (libsodium), given to the
// client once and stored only as their SHA-256. Every pupil-level read is
// appended to audit_log, each entry carrying the SHA-256 of the one before
// it, so an edited, removed or reordered entry breaks the chain (Verify).
//
// Thread-safe: the server calls it from every worker.
#ifndef LANTERN_SERVER_ACCOUNTS_H_
#define LANTERN_SERVER_ACCOUNTS_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flags/referrals.h"
#include "lantern/status.h"

struct sqlite3;

namespace lantern::server {

// Who a user is, for the access rules (server/access.h).
enum class Role : uint8_t { kPublic, kNational, kLa, kTrust, kSchool, kBoard };
std::string_view RoleName(Role role);  // "la"
std::optional<Role> ParseRole(
    std::string_view name);  // "la" -> kLa; "public" is not an account role
// Whether a scope is well formed for the role: la: an LA code (3 digits);
// trust: a trust id (non-empty, no spaces); school: a URN (6 digits);
// board: LA codes separated by commas ("805,806"); national: empty.
Status CheckScope(Role role, std::string_view scope);

struct User {
  int64_t id = 0;
  std::string username;
  Role role = Role::kPublic;
  std::string scope;
  bool disabled = false;
  std::string created_at;  // ISO 8601, UTC
};

// A logged-in session: the cookie token (only in the Login result) and the
// CSRF token that every state-changing request must carry in X-CSRF-Token.
struct Session {
  std::string token;  // the cookie value; empty except straight after Login
  std::string csrf;
  User user;
};

// Data classes an agreement can share (docs/access.md).
inline constexpr std::string_view kDataClasses[] = {"attendance", "suspensions", "ap",
                                                    "internal_units", "sen"};

// A data-sharing agreement between a trust and a local authority.
struct Agreement {
  std::string id;  // as written in the file ("TR00048-805")
  std::string trust_id;
  int la_code = 0;
  std::vector<std::string> classes;  // of kDataClasses
  std::string start, end;            // ISO dates, inclusive; end may be empty (open)
  // The Local Inclusion and Participation Agreement's terms ([agreement.lipa]):
  // named people, escalation steps, response standards, the panel.
  std::optional<LipaTerms> lipa;
  bool ActiveOn(std::string_view iso_date) const;
  bool Shares(std::string_view data_class) const;
};

struct AuditEntry {
  int64_t id = 0;        // set by Append
  std::string at;        // ISO 8601 UTC time, set by Append when empty
  std::string username;  // who read (for an API token: the user it belongs to)
  std::string role, scope;
  std::string action;           // "GET /api/v1/schools/{urn}/pupils"
  std::string target;           // "school:123456" or "pupil:<upn>"
  std::string basis;            // the rule or agreement that allowed it
  std::string prev_hash, hash;  // hex SHA-256, set by Append
};

struct AuditVerifyReport {
  int64_t entries = 0;
  bool ok = true;
  int64_t first_bad_id = 0;  // the first entry changed, removed or reordered
  std::string problem;       // in words
};

struct AccountsOptions {
  // A session ends after this long without a request.
  int idle_timeout_seconds = 30 * 60;
  // A request writes the session's last_seen (one synchronous database
  // write) only when the stored one is at least this old, so a busy session
  // costs a write a minute, not one per request; a session may so end up to
  // this much before its idle timeout.
  int last_seen_resolution_seconds = 60;
  // Failed logins allowed per account and per client address in a window.
  int max_failures_per_account = 5;
  int max_failures_per_address = 20;
  int failure_window_seconds = 15 * 60;
};

class Accounts {
 public:
  // Opens (creating if new) and migrates the database.
  static Result<std::unique_ptr<Accounts>> Open(const std::string& path,
                                                AccountsOptions options = {});
  ~Accounts();
  Accounts(const Accounts&) = delete;
  Accounts& operator=(const Accounts&) = delete;

  int schema_version() const;

  // Users. Passwords of fewer than 10 characters are refused.
  Result<User> AddUser(const std::string& username, Role role, const std::string& scope,
                       const std::string& password);
  Result<std::vector<User>> ListUsers();
  Status DisableUser(const std::string& username);  // also ends its sessions and tokens
  Result<User> FindUser(const std::string& username);

  // An API token for scripts (Authorization: Bearer <token>); the token is
  // returned once and stored hashed.
  Result<std::string> CreateApiToken(const std::string& username, const std::string& label);
  Result<User> AuthenticateApiToken(const std::string& token);

  // Log in: checks the rate limits first (kPermissionDenied "too many
  // failed logins, try again later"), then the password (kPermissionDenied
  // "wrong username or password", the same for an unknown user). `now` is
  // seconds since the epoch (tests pass their own clock).
  Result<Session> Login(const std::string& username, const std::string& password,
                        const std::string& address, int64_t now);
  // The session of a cookie token (kPermissionDenied when unknown, expired
  // or its user disabled); touches its last-seen time.
  Result<Session> Authenticate(const std::string& token, int64_t now);
  Status Logout(const std::string& token);

  // Agreements: replaces them all from a TOML file (docs/access-db.md), all
  // or nothing: a file with an error is refused with its line and reason.
  Status ImportAgreements(const std::string& toml_path);
  Result<std::vector<Agreement>> ListAgreements();

  // The audit log.
  Status Append(AuditEntry entry);
  Result<std::vector<AuditEntry>> AuditEntries(int64_t after_id = 0, int64_t limit = 1000);
  Result<AuditVerifyReport> VerifyAudit();

 private:
  Accounts() = default;
  mutable std::mutex mu_;
  sqlite3* db_ = nullptr;
  AccountsOptions options_;
};

}  // namespace lantern::server

#endif  // LANTERN_SERVER_ACCOUNTS_H_
