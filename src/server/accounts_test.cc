// The server's database (server/accounts.h): schema and migrations, users,
// logins and their limits, sessions, API tokens, agreements from TOML and
// the audit log's hash chain, tampered with directly in SQL.
#include "server/accounts.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/scratch_dir.h"

namespace lantern::server {
namespace {

constexpr const char* kPassword = "correct-horse-battery";
constexpr const char* kWrong = "wrong username or password";
constexpr const char* kTooMany = "too many failed logins, try again later";
const std::string kZeros(64, '0');

bool IsHex64(const std::string& s) { return std::regex_match(s, std::regex("[0-9a-f]{64}")); }

std::string Sha256Hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kDigits[md[i] >> 4];
    out += kDigits[md[i] & 15];
  }
  return out;
}

// The audit hash as docs/access-db.md defines it, written out again here so
// that a change to the format is a deliberate one.
std::string DocumentedAuditHash(const AuditEntry& e) {
  std::string s = "lantern-audit-v1";
  const std::string id = std::to_string(e.id);
  for (const std::string* f :
       {&id, &e.at, &e.username, &e.role, &e.scope, &e.action, &e.target, &e.basis, &e.prev_hash}) {
    s.push_back('\n');
    s.append(std::to_string(f->size()));
    s.push_back(':');
    s.append(*f);
  }
  return Sha256Hex(s);
}

class AccountsTest : public lantern::testing::ScratchDirTest {
 protected:
  AccountsTest() : ScratchDirTest("lantern_accounts") {}

  std::string DbPath() const { return dir_ + "/lantern.db"; }

  std::unique_ptr<Accounts> OpenDb(AccountsOptions options = {}) {
    auto a = Accounts::Open(DbPath(), options);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? std::move(*a) : nullptr;
  }

  // Raw SQL on a connection of its own, as someone tampering with the file.
  void Sql(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(DbPath().c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
  }
  // The first column of the first row, as text ("" when there is none).
  std::string SqlValue(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(DbPath().c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    std::string out;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
  }

  void WriteFile(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
  }
};

// ---------------------------------------------------------------------------
// Opening and migrating.

TEST_F(AccountsTest, CreatesANewDatabaseAtTheLatestVersionAndReopensIt) {
  {
    auto a = OpenDb();
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->schema_version(), 2);
    ASSERT_TRUE(a->AddUser("la805", Role::kLa, "805", kPassword).ok());
  }
  EXPECT_EQ(SqlValue("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(SqlValue("SELECT count(*) FROM schema_version"), "1");
  EXPECT_EQ(SqlValue("SELECT version FROM schema_version"), "2");
  for (const char* table :
       {"users", "sessions", "api_tokens", "login_failures", "agreements", "audit_log"}) {
    EXPECT_EQ(SqlValue(std::string("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                   "name = '") +
                       table + "'"),
              "1")
        << table;
  }
  // Opened again (twice at once, as the server and the CLI do): the same
  // version, one version row, the user kept.
  auto a = OpenDb();
  auto b = OpenDb();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(a->schema_version(), 2);
  EXPECT_EQ(SqlValue("SELECT count(*) FROM schema_version"), "1");
  auto users = b->ListUsers();
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 1u);
  EXPECT_EQ((*users)[0].username, "la805");
}

TEST_F(AccountsTest, MigratesAnOlderDatabaseStepByStep) {
  // A database at version 0: the version table and nothing else.
  Sql("CREATE TABLE schema_version (version INTEGER NOT NULL); "
      "INSERT INTO schema_version VALUES (0);");
  auto a = OpenDb();
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->schema_version(), 2);
  EXPECT_EQ(SqlValue("SELECT count(*) FROM schema_version"), "1");
  EXPECT_TRUE(a->AddUser("national", Role::kNational, "", kPassword).ok());
  EXPECT_TRUE(a->Append(AuditEntry{}).ok());
  EXPECT_TRUE(a->ListAgreements().ok());
}

TEST_F(AccountsTest, RefusesADatabaseFromANewerLantern) {
  Sql("CREATE TABLE schema_version (version INTEGER NOT NULL); "
      "INSERT INTO schema_version VALUES (99);");
  auto a = Accounts::Open(DbPath());
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(a.status().message().find("99"), std::string::npos) << a.status().message();
  EXPECT_EQ(SqlValue("SELECT version FROM schema_version"), "99");
  EXPECT_EQ(SqlValue("SELECT count(*) FROM sqlite_master WHERE name = 'users'"), "0");
}

TEST_F(AccountsTest, RefusesAFileThatIsNotADatabase) {
  WriteFile("lantern.db", "this is not an SQLite database, just some text that is long enough");
  auto a = Accounts::Open(DbPath());
  EXPECT_FALSE(a.ok());
}

// ---------------------------------------------------------------------------
// Users.

TEST_F(AccountsTest, AddsListsFindsAndDisablesUsers) {
  auto a = OpenDb();
  ASSERT_NE(a, nullptr);
  auto school = a->AddUser("head.1", Role::kSchool, "111581", kPassword);
  ASSERT_TRUE(school.ok()) << school.status().ToString();
  EXPECT_GT(school->id, 0);
  EXPECT_TRUE(
      std::regex_match(school->created_at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << school->created_at;
  ASSERT_TRUE(a->AddUser("board_1", Role::kBoard, "805,806", kPassword).ok());
  ASSERT_TRUE(a->AddUser("TR-lead", Role::kTrust, "TR00048", kPassword).ok());
  ASSERT_TRUE(a->AddUser("analyst", Role::kNational, "", kPassword).ok());

  auto again = a->AddUser("head.1", Role::kSchool, "111582", kPassword);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);

  auto users = a->ListUsers();
  ASSERT_TRUE(users.ok());
  std::vector<std::string> names;
  for (const User& u : *users) names.push_back(u.username);
  EXPECT_EQ(names, (std::vector<std::string>{"TR-lead", "analyst", "board_1", "head.1"}));

  auto found = a->FindUser("board_1");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->role, Role::kBoard);
  EXPECT_EQ(found->scope, "805,806");
  EXPECT_FALSE(found->disabled);
  EXPECT_EQ(a->FindUser("nobody").status().code(), StatusCode::kNotFound);

  ASSERT_TRUE(a->DisableUser("board_1").ok());
  EXPECT_TRUE(a->FindUser("board_1")->disabled);
  EXPECT_FALSE(a->FindUser("head.1")->disabled);
  EXPECT_EQ(a->DisableUser("nobody").code(), StatusCode::kNotFound);

  // The password is kept only as an Argon2id hash.
  const std::string hash = SqlValue("SELECT password_hash FROM users WHERE username = 'head.1'");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_EQ(hash.find(kPassword), std::string::npos);
}

TEST_F(AccountsTest, RefusesBadUsernamesRolesScopesAndPasswords) {
  auto a = OpenDb();
  ASSERT_NE(a, nullptr);
  struct Case {
    std::string name;
    Role role;
    std::string scope, password;
  };
  const Case bad[] = {
      {"", Role::kLa, "805", kPassword},
      {std::string(65, 'a'), Role::kLa, "805", kPassword},
      {"has space", Role::kLa, "805", kPassword},
      {"semi;colon", Role::kLa, "805", kPassword},
      {"ok", Role::kPublic, "", kPassword},
      {"ok", Role::kLa, "80", kPassword},
      {"ok", Role::kLa, "8055", kPassword},
      {"ok", Role::kLa, "", kPassword},
      {"ok", Role::kSchool, "11158", kPassword},
      {"ok", Role::kSchool, "11158x", kPassword},
      {"ok", Role::kTrust, "", kPassword},
      {"ok", Role::kTrust, "TR 48", kPassword},
      {"ok", Role::kBoard, "805,", kPassword},
      {"ok", Role::kBoard, "805 806", kPassword},
      {"ok", Role::kNational, "805", kPassword},
      {"ok", Role::kLa, "805", "123456789"},  // 9 characters
      {"ok", Role::kLa, "805",
       "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"
       "\xa9\xc3\xa9"},  // 9 characters, 18 bytes
  };
  for (const Case& c : bad) {
    auto r = a->AddUser(c.name, c.role, c.scope, c.password);
    EXPECT_FALSE(r.ok()) << c.name << " " << c.scope;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.name;
    }
  }
  EXPECT_TRUE(a->ListUsers()->empty());
  EXPECT_TRUE(a->AddUser(std::string(64, 'a'), Role::kLa, "805", "1234567890").ok());
}

TEST(AccountsRolesTest, NamesParseAndScopesCheck) {
  for (Role r : {Role::kNational, Role::kLa, Role::kTrust, Role::kSchool, Role::kBoard}) {
    auto back = ParseRole(RoleName(r));
    ASSERT_TRUE(back.has_value()) << RoleName(r);
    EXPECT_EQ(*back, r);
  }
  EXPECT_EQ(RoleName(Role::kLa), "la");
  EXPECT_EQ(RoleName(Role::kPublic), "public");
  EXPECT_FALSE(ParseRole("public").has_value());
  EXPECT_FALSE(ParseRole("LA").has_value());
  EXPECT_FALSE(ParseRole("").has_value());

  EXPECT_TRUE(CheckScope(Role::kNational, "").ok());
  EXPECT_TRUE(CheckScope(Role::kLa, "805").ok());
  EXPECT_TRUE(CheckScope(Role::kTrust, "TR00048").ok());
  EXPECT_TRUE(CheckScope(Role::kSchool, "111581").ok());
  EXPECT_TRUE(CheckScope(Role::kBoard, "805").ok());
  EXPECT_TRUE(CheckScope(Role::kBoard, "805,806,807").ok());
  EXPECT_FALSE(CheckScope(Role::kPublic, "").ok());
  EXPECT_FALSE(CheckScope(Role::kBoard, ",805").ok());
  EXPECT_FALSE(CheckScope(Role::kBoard, "805,,806").ok());
  EXPECT_FALSE(CheckScope(Role::kTrust, "TR\t1").ok());
  EXPECT_EQ(CheckScope(Role::kSchool, "1").code(), StatusCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------
// Logins and sessions.

TEST_F(AccountsTest, LoginGivesASessionThatAuthenticates) {
  auto a = OpenDb();
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->AddUser("la805", Role::kLa, "805", kPassword).ok());
  auto s = a->Login("la805", kPassword, "10.0.0.1", 1000);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(IsHex64(s->token)) << s->token.size();
  EXPECT_TRUE(IsHex64(s->csrf));
  EXPECT_NE(s->token, s->csrf);
  EXPECT_EQ(s->user.username, "la805");
  EXPECT_EQ(s->user.role, Role::kLa);
  EXPECT_EQ(s->user.scope, "805");

  auto again = a->Authenticate(s->token, 1010);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->token, "");
  EXPECT_EQ(again->csrf, s->csrf);
  EXPECT_EQ(again->user.username, "la805");

  // A second login is a second session.
  auto s2 = a->Login("la805", kPassword, "10.0.0.1", 1020);
  ASSERT_TRUE(s2.ok());
  EXPECT_NE(s2->token, s->token);
  EXPECT_NE(s2->csrf, s->csrf);

  // The token is stored only as its SHA-256.
  EXPECT_EQ(SqlValue("SELECT count(*) FROM sessions WHERE token_hash = '" + s->token + "'"), "0");
  EXPECT_EQ(
      SqlValue("SELECT count(*) FROM sessions WHERE token_hash = '" + Sha256Hex(s->token) + "'"),
      "1");
  // Forged tokens do not authenticate.
  EXPECT_EQ(a->Authenticate(std::string(64, 'a'), 1010).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(a->Authenticate("", 1010).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(a->Authenticate(Sha256Hex(s->token), 1010).status().code(),
            StatusCode::kPermissionDenied);
}

TEST_F(AccountsTest, WrongPasswordUnknownUserAndDisabledUserGetTheSameAnswer) {
  auto a = OpenDb();
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->AddUser("la805", Role::kLa, "805", kPassword).ok());
  ASSERT_TRUE(a->AddUser("gone", Role::kLa, "805", kPassword).ok());
  ASSERT_TRUE(a->DisableUser("gone").ok());
  using Clock = std::chrono::steady_clock;
  auto timed = [&](const std::string& user, const std::string& password, int64_t now,
                   double* seconds) {
    const auto t0 = Clock::now();
    auto r = a->Login(user, password, "10.0.0.1", now);
    *seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return r;
  };
  double known = 1e9, unknown = 1e9, t = 0;
  for (int i = 0; i < 3; ++i) {
    auto wrong = timed("la805", "not-the-password", 1000 + i, &t);
    known = std::min(known, t);
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.status().code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(wrong.status().message(), kWrong);
    auto nobody = timed("nobody", kPassword, 1000 + i, &t);
    unknown = std::min(unknown, t);
    ASSERT_FALSE(nobody.ok());
    EXPECT_EQ(nobody.status().code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(nobody.status().message(), kWrong);
  }
  auto disabled = a->Login("gone", kPassword, "10.0.0.2", 1000);
  ASSERT_FALSE(disabled.ok());
  EXPECT_EQ(disabled.status().message(), kWrong);
  auto invalid_name = a->Login("no such;user", kPassword, "10.0.0.2", 1000);
  ASSERT_FALSE(invalid_name.ok());
  EXPECT_EQ(invalid_name.status().message(), kWrong);
  // An unknown user's password is checked against a dummy hash: it takes
  // time of the same order (without it, microseconds against Argon2id's
  // tens of milliseconds).
  EXPECT_GT(unknown, known * 0.25) << "known " << known << " s, unknown " << unknown << " s";
}

TEST_F(AccountsTest, FailedLoginsAreLimitedPerAccount) {
  AccountsOptions o;
  o.max_failures_per_account = 3;
  o.max_failures_per_address = 100;
  o.failure_window_seconds = 100;
  auto a = OpenDb(o);
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->AddUser("la805", Role::kLa, "805", kPassword).ok());
  ASSERT_TRUE(a->AddUser("la806", Role::kLa, "806", kPassword).ok());
  for (int i = 0; i < 3; ++i) {
    auto r = a->Login("la805", "guess-number-" + std::to_string(i), "10.0.0." + std::to_string(i),
                      1000 + i);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(), kWrong) << i;
  }
  // Checked before the password: the right one is refused too, from any
  // address, while the failures are in the window.
  for (const char* address : {"10.0.0.1", "192.168.1.1"}) {
    auto r = a->Login("la805", kPassword, address, 1050);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(r.status().message(), kTooMany);
  }
  // An unknown user is limited the same way (nothing tells them apart).
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(a->Login("ghost", "x", "10.1.1.1", 1000).status().message(), kWrong);
  EXPECT_EQ(a->Login("ghost", "x", "10.1.1.1", 1000).status().message(), kTooMany);
  // Another account from the same address is not affected.
  EXPECT_TRUE(a->Login("la806", kPassword, "10.0.0.1", 1050).ok());
  // Refused attempts are not counted: once the first failure (at 1000) has
  // left the window, one more try is allowed.
  EXPECT_EQ(a->Login("la805", kPassword, "10.0.0.1", 1099).status().message(), kTooMany);
  auto later = a->Login("la805", kPassword, "10.0.0.1", 1100);
  EXPECT_TRUE(later.ok()) << later.status().ToString();
}

TEST_F(AccountsTest, FailedLoginsAreLimitedPerAddress) {
  AccountsOptions o;
  o.max_failures_per_account = 100;
  o.max_failures_per_address = 4;
  o.failure_window_seconds = 600;
  auto a = OpenDb(o);
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->AddUser("la805", Role::kLa, "805", kPassword).ok());
  // Successes are not failures.
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(a->Login("la805", kPassword, "10.0.0.9", 2000).ok());
  // Four failures against four different names from one address.
  for (const char* user : {"a1", "a2", "la805", "a4"}) {
    EXPECT_EQ(a->Login(user, "not-the-password", "10.0.0.9", 2000).status().message(), kWrong);
  }
  EXPECT_EQ(a->Login("la805", kPassword, "10.0.0.9", 2001).status().message(), kTooMany);
  EXPECT_EQ(a->Login("a5", kPassword, "10.0.0.9", 2001).status().message(), kTooMany);
  // Another address is not affected, nor is the same one once the window
  // has passed.
  EXPECT_TRUE(a->Login("la805", kPassword, "10.0.0.10", 2001).ok());
  EXPECT_TRUE(a->Login("la805", kPassword, "10.0.0.9", 2600).ok());
}

TEST_F(AccountsTest, ParallelGuessesCannotOverrunTheLimit) {
  AccountsOptions o;
  o.max_failures_per_account = 3;
  auto a = OpenDb(o);
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->AddUser("la805", Role::kLa, "805", kPassword).ok());
  std::atomic<int> wrong{0}, limited{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto r = a->Login("la805", "guess-" + std::to_string(i), "10.0.0." + std::to_string(i), 5000);
      if (!r.ok() && r.status().message() == kWrong) ++wrong;
      if (!r.ok() && r.status().message() == kTooMany) ++limited;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 3);
  EXPECT_EQ(limited.load(), 5);
}

TEST_F(AccountsTest, SessionsEndAfterTheIdleTimeoutAndOnLogout) {
  AccountsOptions o;
  o.idle_timeout_seconds = 60;
  auto a = OpenDb(o);
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->AddUser("school1", Role::kSchool, "900001", kPassword).ok());
  auto s = a->Login("school1", kPassword, "10.0.0.1", 1000);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(a->Authenticate(s->token, 1060).ok());  // exactly the timeout: still alive
  EXPECT_TRUE(a->Authenticate(s->token, 1119).ok());  // 59 s after the last request
  auto expired = a->Authenticate(s->token, 1180);     // 61 s
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.status().code(), StatusCode::kPermissionDenied);
  // Once expired it is gone for good.
  EXPECT_FALSE(a->Authenticate(s->token, 1119).ok());

  auto s1 = a->Login("school1", kPassword, "10.0.0.1", 2000);
  auto s2 = a->Login("school1", kPassword, "10.0.0.1", 2000);
  ASSERT_TRUE(s1.ok());
  ASSERT_TRUE(s2.ok());
  EXPECT_TRUE(a->Logout(s1->token).ok());
  EXPECT_EQ(a->Authenticate(s1->token, 2001).status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(a->Authenticate(s2->token, 2001).ok()) << "the other session lives on";
  EXPECT_TRUE(a->Logout("not a token").ok());
  EXPECT_TRUE(a->Logout(s1->token).ok());
}

// last_seen is written at most once a minute: a request 30 s after the last
// write leaves it, so the session ends 600 s after that write; a request 70 s
// after it moves it on.
TEST_F(AccountsTest, LastSeenIsWrittenOnceAMinuteNotOnEveryRequest) {
  AccountsOptions o;
  o.idle_timeout_seconds = 600;
  o.last_seen_resolution_seconds = 60;
  auto a = OpenDb(o);
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->AddUser("school1", Role::kSchool, "900001", kPassword).ok());
  auto quiet = a->Login("school1", kPassword, "10.0.0.1", 1000);
  auto busy = a->Login("school1", kPassword, "10.0.0.1", 1000);
  ASSERT_TRUE(quiet.ok());
  ASSERT_TRUE(busy.ok());
  EXPECT_TRUE(a->Authenticate(quiet->token, 1030).ok());  // not written: 30 s
  EXPECT_TRUE(a->Authenticate(busy->token, 1070).ok());   // written: 70 s
  EXPECT_FALSE(a->Authenticate(quiet->token, 1605).ok()) << "last_seen stayed at 1000";
  EXPECT_TRUE(a->Authenticate(busy->token, 1605).ok()) << "last_seen moved to 1070";
}

TEST_F(AccountsTest, DisablingAUserEndsItsSessionsAndApiTokens) {
  auto a = OpenDb();
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->AddUser("trust1", Role::kTrust, "TR1", kPassword).ok());
  ASSERT_TRUE(a->AddUser("trust2", Role::kTrust, "TR2", kPassword).ok());
  auto s1 = a->Login("trust1", kPassword, "10.0.0.1", 1000);
  auto s2 = a->Login("trust1", kPassword, "10.0.0.2", 1000);
  auto other = a->Login("trust2", kPassword, "10.0.0.2", 1000);
  auto token = a->CreateApiToken("trust1", "nightly");
  auto other_token = a->CreateApiToken("trust2", "nightly");
  ASSERT_TRUE(s1.ok() && s2.ok() && other.ok() && token.ok() && other_token.ok());
  ASSERT_TRUE(a->AuthenticateApiToken(*token).ok());

  ASSERT_TRUE(a->DisableUser("trust1").ok());
  EXPECT_EQ(a->Authenticate(s1->token, 1001).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(a->Authenticate(s2->token, 1001).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(a->AuthenticateApiToken(*token).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(SqlValue("SELECT count(*) FROM sessions WHERE user_id = (SELECT id FROM users "
                     "WHERE username = 'trust1')"),
            "0");
  EXPECT_EQ(SqlValue("SELECT revoked FROM api_tokens WHERE label = 'nightly' AND user_id = "
                     "(SELECT id FROM users WHERE username = 'trust1')"),
            "1");
  EXPECT_EQ(a->Login("trust1", kPassword, "10.0.0.1", 1002).status().message(), kWrong);
  EXPECT_EQ(a->CreateApiToken("trust1", "again").status().code(), StatusCode::kFailedPrecondition);
  // The other user is untouched.
  EXPECT_TRUE(a->Authenticate(other->token, 1001).ok());
  EXPECT_TRUE(a->AuthenticateApiToken(*other_token).ok());
}

TEST_F(AccountsTest, ApiTokensAuthenticateTheirUserAndAreStoredHashed) {
  auto a = OpenDb();
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->AddUser("la805", Role::kLa, "805", kPassword).ok());
  auto t1 = a->CreateApiToken("la805", "export script");
  auto t2 = a->CreateApiToken("la805", "");
  ASSERT_TRUE(t1.ok() && t2.ok());
  EXPECT_TRUE(IsHex64(*t1));
  EXPECT_NE(*t1, *t2);
  auto u = a->AuthenticateApiToken(*t1);
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->username, "la805");
  EXPECT_EQ(u->role, Role::kLa);
  EXPECT_EQ(u->scope, "805");
  EXPECT_EQ(SqlValue("SELECT count(*) FROM api_tokens WHERE token_hash = '" + *t1 + "'"), "0");
  EXPECT_EQ(SqlValue("SELECT label FROM api_tokens WHERE token_hash = '" + Sha256Hex(*t1) + "'"),
            "export script");
  EXPECT_EQ(a->AuthenticateApiToken(std::string(64, '0')).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(a->AuthenticateApiToken("la805").status().code(), StatusCode::kPermissionDenied);
  // A session token is not an API token, nor the other way round.
  auto s = a->Login("la805", kPassword, "10.0.0.1", 1000);
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(a->AuthenticateApiToken(s->token).ok());
  EXPECT_FALSE(a->Authenticate(*t1, 1000).ok());
  EXPECT_EQ(a->CreateApiToken("nobody", "x").status().code(), StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------
// Agreements.

class AgreementsTest : public AccountsTest {};

constexpr const char* kGoodAgreements = R"(# two agreements
[[agreement]]
id = "TR00048-841"
trust_id = "TR00048"
la_code = 841
classes = ["attendance", "suspensions", "ap", "internal_units", "sen"]
start = 2018-09-01      # a TOML date
end = 2019-08-31

[[agreement]]
id = "TR1-806"
trust_id = "TR1"
la_code = 806
classes = ["sen", "attendance"]
start = "2019-09-01"    # a string date, and no end: open
)";

TEST_F(AgreementsTest, ImportsAGoodFileInItsOrder) {
  auto a = OpenDb();
  ASSERT_NE(a, nullptr);
  WriteFile("agreements.toml", kGoodAgreements);
  ASSERT_TRUE(a->ImportAgreements(dir_ + "/agreements.toml").ok());
  auto list = a->ListAgreements();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  const Agreement& g = (*list)[0];
  EXPECT_EQ(g.id, "TR00048-841");
  EXPECT_EQ(g.trust_id, "TR00048");
  EXPECT_EQ(g.la_code, 841);
  EXPECT_EQ(g.classes,
            (std::vector<std::string>{"attendance", "suspensions", "ap", "internal_units", "sen"}));
  EXPECT_EQ(g.start, "2018-09-01");
  EXPECT_EQ(g.end, "2019-08-31");
  const Agreement& h = (*list)[1];
  EXPECT_EQ(h.id, "TR1-806");
  EXPECT_EQ(h.la_code, 806);
  EXPECT_EQ(h.classes, (std::vector<std::string>{"sen", "attendance"}));
  EXPECT_EQ(h.start, "2019-09-01");
  EXPECT_EQ(h.end, "");

  // A new import replaces them all; an empty file leaves none.
  WriteFile("one.toml",
            "[[agreement]]\nid = \"X\"\ntrust_id = \"TR9\"\nla_code = 805\n"
            "classes = [\"ap\"]\nstart = 2020-01-01\n");
  ASSERT_TRUE(a->ImportAgreements(dir_ + "/one.toml").ok());
  list = a->ListAgreements();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, "X");
  WriteFile("empty.toml", "# nothing shared\n");
  ASSERT_TRUE(a->ImportAgreements(dir_ + "/empty.toml").ok());
  EXPECT_TRUE(a->ListAgreements()->empty());
}

TEST(AgreementsActiveTest, ActiveOnIsInclusiveAndSharesNamesClasses) {
  Agreement g;
  g.start = "2018-09-01";
  g.end = "2019-08-31";
  g.classes = {"attendance", "sen"};
  EXPECT_FALSE(g.ActiveOn("2018-08-31"));
  EXPECT_TRUE(g.ActiveOn("2018-09-01"));
  EXPECT_TRUE(g.ActiveOn("2019-03-15"));
  EXPECT_TRUE(g.ActiveOn("2019-08-31"));
  EXPECT_FALSE(g.ActiveOn("2019-09-01"));
  EXPECT_FALSE(g.ActiveOn("not a date"));
  EXPECT_FALSE(g.ActiveOn(""));
  g.end = "";
  EXPECT_TRUE(g.ActiveOn("2099-01-01"));
  EXPECT_FALSE(g.ActiveOn("2018-08-31"));
  EXPECT_TRUE(g.Shares("attendance"));
  EXPECT_TRUE(g.Shares("sen"));
  EXPECT_FALSE(g.Shares("suspensions"));
  EXPECT_FALSE(g.Shares(""));
}

TEST_F(AgreementsTest, ABadFileIsRefusedWithItsLineAndChangesNothing) {
  auto a = OpenDb();
  ASSERT_NE(a, nullptr);
  WriteFile("good.toml", kGoodAgreements);
  ASSERT_TRUE(a->ImportAgreements(dir_ + "/good.toml").ok());

  const std::string head = "[[agreement]]\nid = \"A\"\ntrust_id = \"TR1\"\n";  // lines 1-3
  struct Case {
    const char* what;
    std::string text;
    int line;
    const char* reason;  // part of the message
  };
  const Case cases[] = {
      {"syntax error", head + "la_code = 806\nclasses = [\"attendance\"\n", 5, ""},
      {"unknown key",
       head + "la_code = 806\nclasses = [\"ap\"]\nstart = 2018-09-01\n"
              "link_officer = \"x\"\n",
       7, "unknown key 'link_officer'"},
      {"unknown class",
       head + "la_code = 806\nclasses = [\"ap\", \"pupils\"]\nstart = 2018-09-01\n", 5,
       "unknown data class 'pupils'"},
      {"class twice", head + "la_code = 806\nclasses = [\"ap\", \"ap\"]\nstart = 2018-09-01\n", 5,
       "listed twice"},
      {"no classes", head + "la_code = 806\nclasses = []\nstart = 2018-09-01\n", 5, "classes"},
      {"two-digit LA", head + "la_code = 86\nclasses = [\"ap\"]\nstart = 2018-09-01\n", 4,
       "three-digit"},
      {"LA not a number", head + "la_code = 8.06\nclasses = [\"ap\"]\nstart = 2018-09-01\n", 4,
       "three-digit"},
      {"impossible date", head + "la_code = 806\nclasses = [\"ap\"]\nstart = \"2019-02-29\"\n", 6,
       "not a valid date"},
      {"date and time", head + "la_code = 806\nclasses = [\"ap\"]\nstart = 2018-09-01T10:00:00\n",
       6, "not a date and time"},
      {"end before start",
       head + "la_code = 806\nclasses = [\"ap\"]\nstart = 2018-09-01\nend = 2018-08-31\n", 7,
       "before 'start'"},
      {"missing start", head + "la_code = 806\nclasses = [\"ap\"]\n", 1, "no 'start'"},
      {"trust id with a space",
       "[[agreement]]\nid = \"A\"\ntrust_id = \"TR 1\"\nla_code = 806\nclasses = [\"ap\"]\n"
       "start = 2018-09-01\n",
       3, "trust_id"},
      {"id twice",
       head + "la_code = 806\nclasses = [\"ap\"]\nstart = 2018-09-01\n\n" + head +
           "la_code = 807\nclasses = [\"ap\"]\nstart = 2018-09-01\n",
       9, "used twice"},
      {"unknown top-level key", "version = 2\n" + head, 1, "unknown key 'version'"},
      {"a single table", "[agreement]\nid = \"A\"\n", 1, "[[agreement]]"},
      {"two unknown keys, the first named",
       head + "zeta = 1\nalpha = 2\nla_code = 806\nclasses = [\"ap\"]\nstart = 2018-09-01\n", 4,
       "unknown key 'zeta'"},
  };
  for (const Case& c : cases) {
    const std::string path = dir_ + "/bad.toml";
    WriteFile("bad.toml", c.text);
    Status st = a->ImportAgreements(path);
    ASSERT_FALSE(st.ok()) << c.what;
    EXPECT_EQ(st.code(), StatusCode::kInvalidInput) << c.what;
    EXPECT_NE(st.message().find(path + ":" + std::to_string(c.line) + ":"), std::string::npos)
        << c.what << ": " << st.message();
    EXPECT_NE(st.message().find(c.reason), std::string::npos) << c.what << ": " << st.message();
    auto list = a->ListAgreements();
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 2u) << c.what << ": the old agreements must stay";
    EXPECT_EQ((*list)[0].id, "TR00048-841");
    EXPECT_EQ((*list)[1].id, "TR1-806");
  }
  Status missing = a->ImportAgreements(dir_ + "/no-such-file.toml");
  EXPECT_EQ(missing.code(), StatusCode::kInvalidInput);
  EXPECT_NE(missing.message().find("no-such-file.toml"), std::string::npos);
  EXPECT_EQ(a->ListAgreements()->size(), 2u);
  // A folder is not an empty file: refused, not read as no agreements.
  EXPECT_EQ(a->ImportAgreements(dir_).code(), StatusCode::kInvalidInput);
  EXPECT_EQ(a->ListAgreements()->size(), 2u);
}

// ---------------------------------------------------------------------------
// The audit log.

class AuditTest : public AccountsTest {
 protected:
  static AuditEntry Entry(int i) {
    AuditEntry e;
    e.username.assign("la805");
    e.role.assign("la");
    e.scope.assign("805");
    e.action.assign("GET /api/v1/schools/{urn}/pupils");
    e.target.assign("school:90000" + std::to_string(i) + " pupils:3");
    e.basis.assign("la: pupils of a maintained school of LA 805");
    return e;
  }
  // Appends n entries, the i-th (from 1) with target "school:90000i".
  void AppendN(Accounts& a, int n) {
    for (int i = 1; i <= n; ++i) {
      ASSERT_TRUE(a.Append(Entry(i)).ok());
    }
  }
  AuditVerifyReport Verify(Accounts& a) {
    auto r = a.VerifyAudit();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : AuditVerifyReport{};
  }
};

TEST_F(AuditTest, AppendSetsIdTimeAndTheChain) {
  auto a = OpenDb();
  ASSERT_NE(a, nullptr);
  AppendN(*a, 3);
  AuditEntry given;
  given.at = "2019-01-01T09:00:00Z";
  given.username = "weird\nname";
  given.target = "pupil:x";
  given.id = 77;  // ignored: Append sets it
  given.hash = "ignored";
  ASSERT_TRUE(a->Append(given).ok());

  auto entries = a->AuditEntries();
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 4u);
  for (size_t i = 0; i < entries->size(); ++i) {
    const AuditEntry& e = (*entries)[i];
    EXPECT_EQ(e.id, static_cast<int64_t>(i + 1));
    EXPECT_TRUE(std::regex_match(e.at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"))) << e.at;
    EXPECT_EQ(e.prev_hash, i == 0 ? kZeros : (*entries)[i - 1].hash);
    EXPECT_TRUE(IsHex64(e.hash));
    EXPECT_EQ(e.hash, DocumentedAuditHash(e)) << "the hash is as docs/access-db.md says";
  }
  EXPECT_EQ((*entries)[0].target, "school:900001 pupils:3");
  EXPECT_EQ((*entries)[3].at, "2019-01-01T09:00:00Z");
  EXPECT_EQ((*entries)[3].username, "weird\nname");

  auto page = a->AuditEntries(1, 2);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, 2);
  EXPECT_EQ((*page)[1].id, 3);
  EXPECT_TRUE(a->AuditEntries(4, 10)->empty());
}

TEST_F(AuditTest, VerifyPassesAnIntactChain) {
  auto a = OpenDb();
  ASSERT_NE(a, nullptr);
  AuditVerifyReport empty = Verify(*a);
  EXPECT_TRUE(empty.ok);
  EXPECT_EQ(empty.entries, 0);
  AppendN(*a, 5);
  AuditVerifyReport r = Verify(*a);
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.entries, 5);
  EXPECT_EQ(r.first_bad_id, 0);
}

TEST_F(AuditTest, VerifyFindsAnEditedEntry) {
  auto a = OpenDb();
  ASSERT_NE(a, nullptr);
  AppendN(*a, 5);
  Sql("UPDATE audit_log SET target = 'school:123456 pupils:3' WHERE id = 3");
  AuditVerifyReport r = Verify(*a);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_id, 3) << r.problem;
  EXPECT_EQ(r.entries, 5);
  EXPECT_NE(r.problem.find("changed"), std::string::npos) << r.problem;

  // Shifting a field boundary (the same bytes over two fields) is a change.
  Sql("UPDATE audit_log SET target = 'school:900003 pupils:3' WHERE id = 3");
  ASSERT_TRUE(Verify(*a).ok);
  Sql("UPDATE audit_log SET role = 'la8', scope = '05' WHERE id = 2");
  EXPECT_EQ(Verify(*a).first_bad_id, 2);
}

TEST_F(AuditTest, VerifyFindsAnEditWhoseHashWasRecomputed) {
  auto a = OpenDb();
  ASSERT_NE(a, nullptr);
  AppendN(*a, 5);
  AuditEntry e = (*a->AuditEntries(2, 1))[0];
  ASSERT_EQ(e.id, 3);
  e.username = "someone-else";
  Sql("UPDATE audit_log SET username = 'someone-else', hash = '" + DocumentedAuditHash(e) +
      "' WHERE id = 3");
  AuditVerifyReport r = Verify(*a);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_id, 3) << r.problem;
}

TEST_F(AuditTest, VerifyFindsARemovedEntry) {
  auto a = OpenDb();
  ASSERT_NE(a, nullptr);
  AppendN(*a, 5);
  Sql("DELETE FROM audit_log WHERE id = 3");
  AuditVerifyReport r = Verify(*a);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_id, 3) << r.problem;
  EXPECT_EQ(r.entries, 4);
  EXPECT_NE(r.problem.find("removed"), std::string::npos) << r.problem;
}

TEST_F(AuditTest, VerifyFindsTheFirstOrLastEntryRemoved) {
  auto a = OpenDb();
  ASSERT_NE(a, nullptr);
  AppendN(*a, 4);
  Sql("DELETE FROM audit_log WHERE id = 4");
  AuditVerifyReport last = Verify(*a);
  EXPECT_FALSE(last.ok);
  EXPECT_EQ(last.first_bad_id, 4) << last.problem;
  // An entry appended after it leaves a gap where it was.
  AppendN(*a, 1);
  EXPECT_EQ(Verify(*a).first_bad_id, 4);
  Sql("DELETE FROM audit_log WHERE id = 1");
  AuditVerifyReport first = Verify(*a);
  EXPECT_FALSE(first.ok);
  EXPECT_EQ(first.first_bad_id, 1) << first.problem;
}

TEST_F(AuditTest, VerifyFindsSwappedEntries) {
  auto a = OpenDb();
  ASSERT_NE(a, nullptr);
  AppendN(*a, 5);
  // Swap every column but the id between entries 2 and 4.
  Sql("CREATE TEMP TABLE saved AS SELECT * FROM audit_log WHERE id IN (2, 4);"
      "UPDATE audit_log SET (at, username, role, scope, action, target, basis, prev_hash, hash) = "
      "(SELECT at, username, role, scope, action, target, basis, prev_hash, hash FROM saved "
      "WHERE saved.id = 6 - audit_log.id) WHERE id IN (2, 4);");
  ASSERT_EQ(SqlValue("SELECT target FROM audit_log WHERE id = 2"), "school:900004 pupils:3");
  AuditVerifyReport r = Verify(*a);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_id, 2) << r.problem;
}

TEST_F(AuditTest, ConcurrentAppendsKeepTheChain) {
  auto a = OpenDb();
  auto b = OpenDb();  // a second connection, as a second process would have
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  constexpr int kThreads = 4, kEach = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Accounts& acc = t == 3 ? *b : *a;
      for (int i = 0; i < kEach; ++i) {
        AuditEntry e;
        e.username = "user" + std::to_string(t);
        e.action = "GET /api/v1/schools/{urn}/pupils";
        e.target = "school:" + std::to_string(900000 + i);
        if (!acc.Append(e).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  AuditVerifyReport r = Verify(*a);
  EXPECT_TRUE(r.ok) << r.first_bad_id << ": " << r.problem;
  EXPECT_EQ(r.entries, kThreads * kEach);
  auto entries = a->AuditEntries(0, 100000);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(entries->back().id, kThreads * kEach);
}

}  // namespace
}  // namespace lantern::server

namespace lantern::server {
namespace {

TEST_F(AgreementsTest, ALipaIsReadStoredAndListed) {
  auto a = OpenDb();
  ASSERT_NE(a, nullptr);
  WriteFile("lipa.toml",
            "[[agreement]]\nid = \"TR1-806\"\ntrust_id = \"TR1\"\nla_code = 806\n"
            "classes = [\"attendance\"]\nstart = 2018-09-01\n"
            "[agreement.lipa]\nlink_officer = \"Sam Patel\"\ninclusion_lead = \"Jo Reid\"\n"
            "escalation = [\"LA head of inclusion\", \"multi-agency panel\"]\n"
            "acknowledge_within = 3\nplan_within = 12\n"
            "[[agreement.lipa.panel]]\nname = \"Dr A Khan\"\nagency = \"health\"\n"
            "respond_within = 5\n"
            "[[agreement]]\nid = \"TR1-805\"\ntrust_id = \"TR1\"\nla_code = 805\n"
            "classes = [\"ap\"]\nstart = 2018-09-01\n");
  ASSERT_TRUE(a->ImportAgreements(dir_ + "/lipa.toml").ok());
  auto list = a->ListAgreements();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  ASSERT_TRUE((*list)[0].lipa.has_value());
  const LipaTerms& l = *(*list)[0].lipa;
  EXPECT_EQ(l.agreement_id, "TR1-806");
  EXPECT_EQ(l.trust_id, "TR1");
  EXPECT_EQ(l.la_code, 806);
  EXPECT_EQ(l.link_officer, "Sam Patel");
  EXPECT_EQ(l.inclusion_lead, "Jo Reid");
  EXPECT_EQ(l.escalation.size(), 2u);
  EXPECT_EQ(l.acknowledge_within, 3);
  EXPECT_EQ(l.plan_within, 12);
  ASSERT_EQ(l.panel.size(), 1u);
  EXPECT_EQ(l.panel[0].agency, "health");
  EXPECT_EQ(l.panel[0].respond_within, 5);
  EXPECT_FALSE((*list)[1].lipa.has_value());
}

TEST_F(AgreementsTest, ABadLipaIsRefusedWithItsLine) {
  auto a = OpenDb();
  ASSERT_NE(a, nullptr);
  const std::string head =
      "[[agreement]]\nid = \"A\"\ntrust_id = \"TR1\"\nla_code = 806\nclasses = [\"ap\"]\n"
      "start = 2018-09-01\n[agreement.lipa]\n";  // lines 1-7
  struct Case {
    std::string text;
    const char* reason;
  };
  const Case cases[] = {
      {head + "inclusion_lead = \"Jo\"\n", "link_officer"},
      {head + "link_officer = \"S\"\ninclusion_lead = \"J\"\nplan_within = 0\n", "plan_within"},
      {head + "link_officer = \"S\"\ninclusion_lead = \"J\"\nacknowledge_within = 5\n"
              "plan_within = 3\n",
       "not be shorter"},
      {head + "link_officer = \"S\"\ninclusion_lead = \"J\"\nbudget = 3\n", "unknown key 'budget'"},
      {head + "link_officer = \"S\"\ninclusion_lead = \"J\"\n[[agreement.lipa.panel]]\n"
              "name = \"X\"\n",
       "agency"},
  };
  for (const Case& c : cases) {
    WriteFile("bad.toml", c.text);
    Status st = a->ImportAgreements(dir_ + "/bad.toml");
    ASSERT_FALSE(st.ok()) << c.text;
    EXPECT_NE(st.message().find("bad.toml:7:"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find(c.reason), std::string::npos) << st.message();
  }
}

}  // namespace
}  // namespace lantern::server
