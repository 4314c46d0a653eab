// The server's database: accounts, sessions, API tokens, agreements and the
// audit log (docs/access-db.md). One SQLite connection, guarded by mu_;
// every statement is prepared, user data only ever bound as parameters.
#include "server/accounts.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <sqlite3.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/date.h"

namespace lantern::server {

namespace {

constexpr std::string_view kZeroHash =
    "0000000000000000000000000000000000000000000000000000000000000000";
constexpr const char* kTooManyFailures = "too many failed logins, try again later";
constexpr const char* kWrongPassword = "wrong username or password";
constexpr const char* kNoSession = "not logged in, or the session has ended";
constexpr const char* kBadApiToken = "unknown or revoked API token";
constexpr size_t kMinPasswordChars = 10;
constexpr size_t kTokenBytes = 32;

// ---------------------------------------------------------------------------
// Schema and migrations. Each step takes the database from version - 1 to
// version; Open applies those it lacks, in order, in one transaction. To
// change the schema, append a step (never edit one that has shipped).

struct Migration {
  int version;
  const char* sql;
};

constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  username      TEXT NOT NULL UNIQUE,
  role          TEXT NOT NULL,
  scope         TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);
CREATE TABLE api_tokens (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  label      TEXT NOT NULL DEFAULT '',
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  revoked    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_by_user ON api_tokens(user_id);
CREATE TABLE login_failures (
  key TEXT NOT NULL,
  at  INTEGER NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures(key, at);
CREATE TABLE agreements (
  id         TEXT PRIMARY KEY,
  trust_id   TEXT NOT NULL,
  la_code    INTEGER NOT NULL,
  classes    TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date   TEXT NOT NULL DEFAULT ''
);
CREATE TABLE audit_log (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  at        TEXT NOT NULL,
  username  TEXT NOT NULL,
  role      TEXT NOT NULL,
  scope     TEXT NOT NULL,
  action    TEXT NOT NULL,
  target    TEXT NOT NULL,
  basis     TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
)sql"},
    {2, R"sql(
ALTER TABLE agreements ADD COLUMN lipa TEXT NOT NULL DEFAULT '';
)sql"},
};

constexpr int kLatestVersion = kMigrations[std::size(kMigrations) - 1].version;

// ---------------------------------------------------------------------------
// SQLite helpers.

Status SqlError(sqlite3* db, std::string_view what) {
  return Status::IoError(fmt::format("accounts database: {}: {}", what, sqlite3_errmsg(db)));
}

// A prepared statement. Errors in prepare or bind are kept and reported by
// the first Step.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& Bind(int i, std::string_view v) {
    if (rc_ == SQLITE_OK) {
      rc_ = sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    }
    return *this;
  }
  Stmt& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Stmt& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Stmt& Bind(int i, int64_t v) {
    if (rc_ == SQLITE_OK) rc_ = sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Stmt& Bind(int i, int v) { return Bind(i, static_cast<int64_t>(v)); }

  // true: a row is ready; false: done.
  Result<bool> Step() {
    if (rc_ != SQLITE_OK) return SqlError(db_, "prepare");
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqlError(db_, "step");
  }
  // Runs a statement that returns no rows.
  Status Run() {
    auto r = Step();
    if (!r.ok()) return r.status();
    return Status::Ok();
  }

  std::string Text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p == nullptr ? std::string()
                        : std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
};

// Runs constant SQL (schema and pragmas: never user data).
Status Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    Status st = Status::IoError(fmt::format("accounts database: {}", err ? err : "error"));
    sqlite3_free(err);
    return st;
  }
  return Status::Ok();
}

// A write transaction (BEGIN IMMEDIATE: takes the write lock at once, so
// another connection waits in busy_timeout rather than failing midway);
// rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) {}
  ~Transaction() {
    if (active_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Status Begin() {
    LANTERN_RETURN_IF_ERROR(Exec(db_, "BEGIN IMMEDIATE"));
    active_ = true;
    return Status::Ok();
  }
  Status Commit() {
    LANTERN_RETURN_IF_ERROR(Exec(db_, "COMMIT"));
    active_ = false;
    return Status::Ok();
  }

 private:
  sqlite3* db_;
  bool active_ = false;
};

// ---------------------------------------------------------------------------
// Crypto and text helpers.

bool InitSodium() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] { ok = sodium_init() >= 0; });
  return ok;
}

std::string Hex(const unsigned char* p, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[p[i] >> 4];
    out[2 * i + 1] = kDigits[p[i] & 15];
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return Hex(md, len);
}

std::string RandomHex() {
  unsigned char buf[kTokenBytes];
  randombytes_buf(buf, sizeof buf);
  std::string out = Hex(buf, sizeof buf);
  sodium_memzero(buf, sizeof buf);
  return out;
}

// A token as we hand them out: 64 lowercase hex digits.
bool IsToken(std::string_view t) {
  return t.size() == 2 * kTokenBytes && std::all_of(t.begin(), t.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool IsDigits(std::string_view s, size_t n) {
  return s.size() == n &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool ValidUsername(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

// No space, tab or control character.
bool IsPlainWord(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) > ' ' && c != 0x7f; });
}

// Characters (UTF-8 code points), not bytes.
size_t CountChars(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string IsoTimeUtc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string NowIso() { return IsoTimeUtc(std::time(nullptr)); }

Result<std::string> HashPassword(const std::string& password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Status::Internal("the password could not be hashed (out of memory)");
  }
  return std::string(out);
}

// A hash of a random password made with the same parameters as the real
// ones: an unknown user's login is checked against it, so that it takes as
// long as a known user's.
const std::string& DummyHash() {
  static std::once_flag once;
  static std::string hash;
  std::call_once(once, [] {
    auto h = HashPassword(RandomHex());
    hash = h.ok() ? *h : std::string();
  });
  return hash;
}

bool VerifyPassword(const std::string& hash, const std::string& password) {
  if (hash.empty()) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

// The text that an audit entry's hash covers: a version tag, then each
// field as its length in bytes, a colon and its bytes, one per line, so no
// field's boundary can move.
std::string AuditHashInput(const AuditEntry& e) {
  std::string s = "lantern-audit-v1";
  auto add = [&s](std::string_view f) {
    s += '\n';
    s += std::to_string(f.size());
    s += ':';
    s.append(f);
  };
  add(std::to_string(e.id));
  add(e.at);
  add(e.username);
  add(e.role);
  add(e.scope);
  add(e.action);
  add(e.target);
  add(e.basis);
  add(e.prev_hash);
  return s;
}

std::string AuditHash(const AuditEntry& e) { return Sha256Hex(AuditHashInput(e)); }

// users columns in the order UserFrom reads them.
constexpr const char* kUserColumns = "id, username, role, scope, disabled, created_at";

Result<User> UserFrom(const Stmt& s, int first = 0) {
  User u;
  u.id = s.Int(first);
  u.username = s.Text(first + 1);
  const std::string role = s.Text(first + 2);
  auto r = ParseRole(role);
  if (!r) {
    return Status::Corruption(
        fmt::format("accounts database: user '{}' has an unknown role '{}'", u.username, role));
  }
  u.role = *r;
  u.scope = s.Text(first + 3);
  u.disabled = s.Int(first + 4) != 0;
  u.created_at = s.Text(first + 5);
  return u;
}

// ---------------------------------------------------------------------------
// Agreements file.

std::string KnownClasses() {
  std::string out;
  for (std::string_view c : kDataClasses) {
    if (!out.empty()) out += ", ";
    out += c;
  }
  return out;
}

bool KnownClass(std::string_view c) {
  return std::find(std::begin(kDataClasses), std::end(kDataClasses), c) != std::end(kDataClasses);
}

// Reads an ISO date from a TOML date or a "YYYY-MM-DD" string.
std::optional<std::string> ReadDate(const toml::node& v, std::string_view key, std::string* out) {
  std::string text;
  if (const auto* d = v.as_date()) {
    const toml::date& date = d->get();
    text = fmt::format("{:04}-{:02}-{:02}", date.year, date.month, date.day);
  } else if (const auto* s = v.as_string()) {
    text = s->get();
  } else if (v.is_date_time()) {
    return fmt::format("'{}' must be a date such as 2018-09-01, not a date and time", key);
  } else {
    return fmt::format("'{}' must be a date such as 2018-09-01", key);
  }
  if (!ParseIsoDate(text)) {
    return fmt::format("'{}' is not a valid date (YYYY-MM-DD): '{}'", key, text);
  }
  *out = text;
  return std::nullopt;
}

// [agreement.lipa]: the LIPA's terms (docs/access-db.md).
std::optional<std::string> ReadLipa(const toml::node& v, Agreement* a) {
  const toml::table* t = v.as_table();
  if (t == nullptr) return "'lipa' must be a table: write it as [agreement.lipa]";
  constexpr std::string_view kKeys[] = {"link_officer",       "inclusion_lead", "escalation",
                                        "acknowledge_within", "plan_within",    "panel"};
  for (const auto& [k, x] : *t) {
    if (std::find(std::begin(kKeys), std::end(kKeys), k.str()) == std::end(kKeys)) {
      return fmt::format(
          "unknown key '{}' in [agreement.lipa] (known keys: link_officer, inclusion_lead, "
          "escalation, acknowledge_within, plan_within, panel)",
          k.str());
    }
  }
  LipaTerms l;
  auto text = [&](std::string_view key, std::string* out) -> std::optional<std::string> {
    const auto* s = t->get_as<std::string>(key);
    if (s == nullptr || s->get().empty()) {
      return fmt::format("[agreement.lipa] needs '{}': the named person (a non-empty string)", key);
    }
    *out = s->get();
    return std::nullopt;
  };
  if (auto why = text("link_officer", &l.link_officer)) return why;
  if (auto why = text("inclusion_lead", &l.inclusion_lead)) return why;
  auto days = [&](std::string_view key, int* out) -> std::optional<std::string> {
    const toml::node* n = t->get(key);
    if (n == nullptr) return std::nullopt;  // the national standard
    const auto* i = n->as_integer();
    if (i == nullptr || i->get() < 1 || i->get() > 100) {
      return fmt::format("'{}' must be a number of school days from 1 to 100", key);
    }
    *out = static_cast<int>(i->get());
    return std::nullopt;
  };
  if (auto why = days("acknowledge_within", &l.acknowledge_within)) return why;
  if (auto why = days("plan_within", &l.plan_within)) return why;
  if (l.plan_within < l.acknowledge_within) {
    return "'plan_within' must not be shorter than 'acknowledge_within'";
  }
  if (const toml::node* e = t->get("escalation")) {
    const auto* arr = e->as_array();
    if (arr == nullptr || arr->empty()) return "'escalation' must be a list of steps (strings)";
    for (const toml::node& step : *arr) {
      const auto* s = step.as_string();
      if (s == nullptr || s->get().empty())
        return "each escalation step must be a non-empty string";
      l.escalation.push_back(s->get());
    }
  }
  if (const toml::node* p = t->get("panel")) {
    const auto* arr = p->as_array();
    if (arr == nullptr || !arr->is_array_of_tables()) {
      return "'panel' must be a list of tables: write each as [[agreement.lipa.panel]]";
    }
    for (const toml::node& item : *arr) {
      const toml::table& m = *item.as_table();
      PanelMember member;
      const auto* name = m.get_as<std::string>("name");
      const auto* agency = m.get_as<std::string>("agency");
      if (name == nullptr || name->get().empty() || agency == nullptr || agency->get().empty()) {
        return "each panel member needs a 'name' and an 'agency' (health, social care, ...)";
      }
      member.name = name->get();
      member.agency = agency->get();
      if (const auto* role = m.get_as<std::string>("role")) member.role = role->get();
      if (const toml::node* r = m.get("respond_within")) {
        const auto* i = r->as_integer();
        if (i == nullptr || i->get() < 1 || i->get() > 100) {
          return "a panel member's 'respond_within' must be school days from 1 to 100";
        }
        member.respond_within = static_cast<int>(i->get());
      }
      l.panel.push_back(std::move(member));
    }
  }
  a->lipa = std::move(l);
  return std::nullopt;
}

// One key of an [[agreement]] table: how it is read. To add a key, add a
// row here (and, if it is stored, a column by a migration).
struct AgreementField {
  std::string_view key;
  bool required;
  // Reads the value into the agreement; the reason when it is not valid.
  std::optional<std::string> (*read)(const toml::node& value, Agreement* out);
};

constexpr AgreementField kAgreementFields[] = {
    {"id", true,
     [](const toml::node& v, Agreement* a) -> std::optional<std::string> {
       const auto* s = v.as_string();
       if (s == nullptr) return "'id' must be a string";
       const std::string& id = s->get();
       if (id.empty() || id.size() > 100 || !IsPlainWord(id)) {
         return fmt::format("'id' must be 1 to 100 characters with no spaces: '{}'", id);
       }
       a->id = id;
       return std::nullopt;
     }},
    {"trust_id", true,
     [](const toml::node& v, Agreement* a) -> std::optional<std::string> {
       const auto* s = v.as_string();
       if (s == nullptr) return "'trust_id' must be a string (\"TR00048\")";
       if (!CheckScope(Role::kTrust, s->get()).ok()) {
         return fmt::format("'trust_id' must be a trust id with no spaces: '{}'", s->get());
       }
       a->trust_id = s->get();
       return std::nullopt;
     }},
    {"la_code", true,
     [](const toml::node& v, Agreement* a) -> std::optional<std::string> {
       std::string text;
       if (const auto* i = v.as_integer()) {
         text = std::to_string(i->get());
       } else if (const auto* s = v.as_string()) {
         text = s->get();
       } else {
         return "'la_code' must be a three-digit LA code (805)";
       }
       if (!IsDigits(text, 3) || text[0] == '0') {
         return fmt::format("'la_code' must be a three-digit LA code (805), not {}", text);
       }
       a->la_code = std::stoi(text);
       return std::nullopt;
     }},
    {"classes", true,
     [](const toml::node& v, Agreement* a) -> std::optional<std::string> {
       const auto* arr = v.as_array();
       if (arr == nullptr || arr->empty()) {
         return fmt::format("'classes' must be a list of data classes, of: {}", KnownClasses());
       }
       std::vector<std::string> classes;
       for (const toml::node& item : *arr) {
         const auto* s = item.as_string();
         if (s == nullptr || !KnownClass(s->get())) {
           return fmt::format("unknown data class {} (known: {})",
                              s ? "'" + s->get() + "'" : std::string("(not a string)"),
                              KnownClasses());
         }
         if (std::find(classes.begin(), classes.end(), s->get()) != classes.end()) {
           return fmt::format("data class '{}' is listed twice", s->get());
         }
         classes.push_back(s->get());
       }
       a->classes = std::move(classes);
       return std::nullopt;
     }},
    {"start", true,
     [](const toml::node& v, Agreement* a) { return ReadDate(v, "start", &a->start); }},
    {"end", false, [](const toml::node& v, Agreement* a) { return ReadDate(v, "end", &a->end); }},
    {"lipa", false, ReadLipa},
};

std::string KnownAgreementKeys() {
  std::string out;
  for (const AgreementField& f : kAgreementFields) {
    if (!out.empty()) out += ", ";
    out += f.key;
  }
  return out;
}

std::string RequiredAgreementKeys() {
  std::string out;
  for (const AgreementField& f : kAgreementFields) {
    if (!f.required) continue;
    if (!out.empty()) out += ", ";
    out += f.key;
  }
  return out;
}

Status FileError(const std::string& path, int64_t line, const std::string& reason) {
  return Status::InvalidInput(fmt::format("{}:{}: {}", path, line, reason));
}

Result<std::vector<Agreement>> ParseAgreements(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::InvalidInput(fmt::format("{}: no such agreements file", path));
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  if (in) buffer << in.rdbuf();
  if (!in || in.bad()) {
    return Status::InvalidInput(fmt::format("{}: cannot read the agreements file", path));
  }
  const std::string text = buffer.str();
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return FileError(path, e.source().begin.line, std::string(e.description()));
  }

  std::vector<Agreement> out;
  std::set<std::string> ids;
  for (const auto& [key, node] : root) {
    if (key.str() != "agreement") {
      return FileError(
          path, key.source().begin.line,
          fmt::format("unknown key '{}': the file holds [[agreement]] tables only", key.str()));
    }
  }
  for (const auto& [key, node] : root) {
    const toml::array* list = node.as_array();
    if (list == nullptr || !list->is_array_of_tables()) {
      return FileError(path, node.source().begin.line,
                       "'agreement' must be a list of tables: write each as [[agreement]]");
    }
    for (const toml::node& item : *list) {
      const toml::table& t = *item.as_table();
      const int64_t line = t.source().begin.line;
      Agreement a;
      // Unknown keys first (the first in the file), then each known key.
      const toml::key* unknown = nullptr;
      for (const auto& [k, v] : t) {
        const std::string_view name = k.str();
        const bool known = std::any_of(std::begin(kAgreementFields), std::end(kAgreementFields),
                                       [&](const AgreementField& f) { return f.key == name; });
        if (!known && (unknown == nullptr || k.source().begin < unknown->source().begin)) {
          unknown = &k;
        }
      }
      if (unknown != nullptr) {
        return FileError(path, unknown->source().begin.line,
                         fmt::format("unknown key '{}' in [[agreement]] (known keys: {})",
                                     unknown->str(), KnownAgreementKeys()));
      }
      for (const AgreementField& f : kAgreementFields) {
        const toml::node* v = t.get(f.key);
        if (v == nullptr) {
          if (f.required) {
            return FileError(path, line,
                             fmt::format("[[agreement]] has no '{}' (required keys: {})", f.key,
                                         RequiredAgreementKeys()));
          }
          continue;
        }
        if (auto why = f.read(*v, &a)) {
          const int64_t at = v->source().begin.line > 0 ? v->source().begin.line : line;
          return FileError(path, at,
                           a.id.empty() ? *why : fmt::format("agreement '{}': {}", a.id, *why));
        }
      }
      if (!a.end.empty() && a.end < a.start) {
        return FileError(
            path, t.get("end")->source().begin.line,
            fmt::format("agreement '{}': 'end' ({}) is before 'start' ({})", a.id, a.end, a.start));
      }
      if (!ids.insert(a.id).second) {
        return FileError(path, t.get("id")->source().begin.line,
                         fmt::format("agreement id '{}' is used twice", a.id));
      }
      out.push_back(std::move(a));
    }
  }
  return out;
}

std::string JoinClasses(const std::vector<std::string>& classes) {
  std::string out;
  for (const std::string& c : classes) {
    if (!out.empty()) out += ',';
    out += c;
  }
  return out;
}

std::vector<std::string> SplitClasses(const std::string& text) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at <= text.size() && !text.empty()) {
    size_t end = text.find(',', at);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------
// Roles and scopes.

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kPublic:
      return "public";
    case Role::kNational:
      return "national";
    case Role::kLa:
      return "la";
    case Role::kTrust:
      return "trust";
    case Role::kSchool:
      return "school";
    case Role::kBoard:
      return "board";
  }
  return "public";
}

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "national") return Role::kNational;
  if (name == "la") return Role::kLa;
  if (name == "trust") return Role::kTrust;
  if (name == "school") return Role::kSchool;
  if (name == "board") return Role::kBoard;
  return std::nullopt;
}

Status CheckScope(Role role, std::string_view scope) {
  switch (role) {
    case Role::kPublic:
      return Status::InvalidArgument("public is not an account role");
    case Role::kNational:
      if (!scope.empty()) return Status::InvalidArgument("a national account has no scope");
      return Status::Ok();
    case Role::kLa:
      if (!IsDigits(scope, 3)) {
        return Status::InvalidArgument(
            fmt::format("an la account's scope is an LA code of 3 digits (805), not '{}'", scope));
      }
      return Status::Ok();
    case Role::kTrust:
      if (scope.empty() || scope.size() > 64 || !IsPlainWord(scope)) {
        return Status::InvalidArgument(fmt::format(
            "a trust account's scope is a trust id with no spaces (TR00048), not '{}'", scope));
      }
      return Status::Ok();
    case Role::kSchool:
      if (!IsDigits(scope, 6)) {
        return Status::InvalidArgument(
            fmt::format("a school account's scope is a URN of 6 digits, not '{}'", scope));
      }
      return Status::Ok();
    case Role::kBoard: {
      bool ok = !scope.empty();
      for (size_t at = 0; ok && at <= scope.size();) {
        size_t end = scope.find(',', at);
        if (end == std::string_view::npos) end = scope.size();
        ok = IsDigits(scope.substr(at, end - at), 3);
        at = end + 1;
      }
      if (!ok) {
        return Status::InvalidArgument(fmt::format(
            "a board account's scope is LA codes separated by commas (805,806), not '{}'", scope));
      }
      return Status::Ok();
    }
  }
  return Status::InvalidArgument("unknown role");
}

bool Agreement::ActiveOn(std::string_view iso_date) const {
  if (!ParseIsoDate(iso_date) || !ParseIsoDate(start)) return false;
  if (iso_date < std::string_view(start)) return false;
  return end.empty() || iso_date <= std::string_view(end);
}

bool Agreement::Shares(std::string_view data_class) const {
  return std::find(classes.begin(), classes.end(), data_class) != classes.end();
}

// ---------------------------------------------------------------------------
// Opening and migrating.

Result<std::unique_ptr<Accounts>> Accounts::Open(const std::string& path, AccountsOptions options) {
  if (!InitSodium()) return Status::Internal("libsodium could not be initialised");
  // The database holds password hashes: a new one is readable by its owner
  // only (SQLite gives its -wal and -shm files the same permissions).
  if (::access(path.c_str(), F_OK) != 0) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) {
      return Status::IoError(fmt::format("{}: cannot create: {}", path, std::strerror(errno)));
    }
    if (fd >= 0) ::close(fd);
  }
  std::unique_ptr<Accounts> a(new Accounts());
  a->options_ = options;
  if (sqlite3_open_v2(path.c_str(), &a->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    return Status::IoError(fmt::format("{}: cannot open: {}", path,
                                       a->db_ ? sqlite3_errmsg(a->db_) : "out of memory"));
  }
  sqlite3* db = a->db_;
  sqlite3_extended_result_codes(db, 1);
  // Another process (lantern users ... while the server runs) waits for the
  // write lock rather than failing.
  sqlite3_busy_timeout(db, 10000);
  {
    Stmt wal(db, "PRAGMA journal_mode=WAL");
    auto row = wal.Step();
    if (!row.ok()) return Status::IoError(fmt::format("{}: {}", path, row.status().message()));
    const std::string mode = *row ? wal.Text(0) : "";
    if (mode != "wal" && mode != "memory") {
      return Status::IoError(
          fmt::format("{}: cannot use write-ahead logging (journal mode {})", path, mode));
    }
  }
  LANTERN_RETURN_IF_ERROR(Exec(db, "PRAGMA foreign_keys=ON"));
  // FULL: each commit is on disk before it returns, so an audit entry
  // survives even a power cut once the read it records is answered.
  LANTERN_RETURN_IF_ERROR(Exec(db, "PRAGMA synchronous=FULL"));

  Transaction tx(db);
  LANTERN_RETURN_IF_ERROR(tx.Begin());
  LANTERN_RETURN_IF_ERROR(
      Exec(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
  int version = 0;
  {
    Stmt s(db, "SELECT version FROM schema_version");
    LANTERN_ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) {
      version = static_cast<int>(s.Int(0));
    } else {
      LANTERN_RETURN_IF_ERROR(Stmt(db, "INSERT INTO schema_version (version) VALUES (0)").Run());
    }
  }
  if (version > kLatestVersion) {
    return Status::FailedPrecondition(
        fmt::format("{}: the database is at schema version {}, newer than this lantern knows ({})",
                    path, version, kLatestVersion));
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= version) continue;
    if (Status st = Exec(db, m.sql); !st.ok()) {
      return Status::IoError(fmt::format("{}: migration to schema version {} failed: {}", path,
                                         m.version, st.message()));
    }
    LANTERN_RETURN_IF_ERROR(
        Stmt(db, "UPDATE schema_version SET version = ?").Bind(1, m.version).Run());
    version = m.version;
  }
  LANTERN_RETURN_IF_ERROR(tx.Commit());
  return a;
}

Accounts::~Accounts() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

int Accounts::schema_version() const {
  std::lock_guard lock(mu_);
  Stmt s(db_, "SELECT version FROM schema_version");
  auto row = s.Step();
  return row.ok() && *row ? static_cast<int>(s.Int(0)) : 0;
}

// ---------------------------------------------------------------------------
// Users.

Result<User> Accounts::AddUser(const std::string& username, Role role, const std::string& scope,
                               const std::string& password) {
  if (!ValidUsername(username)) {
    return Status::InvalidArgument(
        "a username is 1 to 64 characters of letters, digits, '.', '_' and '-'");
  }
  if (role == Role::kPublic) return Status::InvalidArgument("public is not an account role");
  LANTERN_RETURN_IF_ERROR(CheckScope(role, scope));
  if (CountChars(password) < kMinPasswordChars) {
    return Status::InvalidArgument(
        fmt::format("a password must have at least {} characters", kMinPasswordChars));
  }
  // Hashing takes a while: done before taking the lock.
  LANTERN_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  std::lock_guard lock(mu_);
  Transaction tx(db_);
  LANTERN_RETURN_IF_ERROR(tx.Begin());
  {
    Stmt s(db_, "SELECT 1 FROM users WHERE username = ?");
    s.Bind(1, username);
    LANTERN_ASSIGN_OR_RETURN(bool exists, s.Step());
    if (exists) {
      return Status::FailedPrecondition(fmt::format("user '{}' already exists", username));
    }
  }
  User u;
  u.username = username;
  u.role = role;
  u.scope = scope;
  u.created_at = NowIso();
  LANTERN_RETURN_IF_ERROR(Stmt(db_,
                               "INSERT INTO users (username, role, scope, password_hash, "
                               "disabled, created_at) VALUES (?, ?, ?, ?, 0, ?)")
                              .Bind(1, username)
                              .Bind(2, RoleName(role))
                              .Bind(3, scope)
                              .Bind(4, hash)
                              .Bind(5, u.created_at)
                              .Run());
  u.id = sqlite3_last_insert_rowid(db_);
  LANTERN_RETURN_IF_ERROR(tx.Commit());
  return u;
}

Result<std::vector<User>> Accounts::ListUsers() {
  std::lock_guard lock(mu_);
  Stmt s(db_, fmt::format("SELECT {} FROM users ORDER BY username", kUserColumns).c_str());
  std::vector<User> out;
  for (;;) {
    LANTERN_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    LANTERN_ASSIGN_OR_RETURN(User u, UserFrom(s));
    out.push_back(std::move(u));
  }
  return out;
}

Result<User> Accounts::FindUser(const std::string& username) {
  std::lock_guard lock(mu_);
  Stmt s(db_, fmt::format("SELECT {} FROM users WHERE username = ?", kUserColumns).c_str());
  s.Bind(1, username);
  LANTERN_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return Status::NotFound(fmt::format("no user '{}'", username));
  return UserFrom(s);
}

Status Accounts::DisableUser(const std::string& username) {
  std::lock_guard lock(mu_);
  Transaction tx(db_);
  LANTERN_RETURN_IF_ERROR(tx.Begin());
  int64_t id = 0;
  {
    Stmt s(db_, "SELECT id FROM users WHERE username = ?");
    s.Bind(1, username);
    LANTERN_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return Status::NotFound(fmt::format("no user '{}'", username));
    id = s.Int(0);
  }
  LANTERN_RETURN_IF_ERROR(
      Stmt(db_, "UPDATE users SET disabled = 1 WHERE id = ?").Bind(1, id).Run());
  LANTERN_RETURN_IF_ERROR(Stmt(db_, "DELETE FROM sessions WHERE user_id = ?").Bind(1, id).Run());
  LANTERN_RETURN_IF_ERROR(
      Stmt(db_, "UPDATE api_tokens SET revoked = 1 WHERE user_id = ?").Bind(1, id).Run());
  return tx.Commit();
}

// ---------------------------------------------------------------------------
// API tokens.

Result<std::string> Accounts::CreateApiToken(const std::string& username,
                                             const std::string& label) {
  if (label.size() > 200)
    return Status::InvalidArgument("a token label has at most 200 characters");
  std::lock_guard lock(mu_);
  Transaction tx(db_);
  LANTERN_RETURN_IF_ERROR(tx.Begin());
  int64_t id = 0;
  {
    Stmt s(db_, "SELECT id, disabled FROM users WHERE username = ?");
    s.Bind(1, username);
    LANTERN_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return Status::NotFound(fmt::format("no user '{}'", username));
    if (s.Int(1) != 0) {
      return Status::FailedPrecondition(fmt::format("user '{}' is disabled", username));
    }
    id = s.Int(0);
  }
  std::string token = RandomHex();
  LANTERN_RETURN_IF_ERROR(Stmt(db_,
                               "INSERT INTO api_tokens (user_id, label, token_hash, created_at, "
                               "revoked) VALUES (?, ?, ?, ?, 0)")
                              .Bind(1, id)
                              .Bind(2, label)
                              .Bind(3, Sha256Hex(token))
                              .Bind(4, NowIso())
                              .Run());
  LANTERN_RETURN_IF_ERROR(tx.Commit());
  return token;
}

Result<User> Accounts::AuthenticateApiToken(const std::string& token) {
  if (!IsToken(token)) return Status::PermissionDenied(kBadApiToken);
  std::lock_guard lock(mu_);
  Stmt s(db_,
         "SELECT u.id, u.username, u.role, u.scope, u.disabled, u.created_at FROM api_tokens t "
         "JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.revoked = 0 "
         "AND u.disabled = 0");
  s.Bind(1, Sha256Hex(token));
  LANTERN_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return Status::PermissionDenied(kBadApiToken);
  return UserFrom(s);
}

// ---------------------------------------------------------------------------
// Sessions.

Result<Session> Accounts::Login(const std::string& username, const std::string& password,
                                const std::string& address, int64_t now) {
  const bool valid_name = ValidUsername(username);
  const std::string user_key = "user:" + username;
  const std::string address_key = "address:" + address.substr(0, 100);
  std::vector<int64_t> reserved;  // this attempt's failure rows
  std::optional<User> user;
  std::string hash;
  {
    // The limits are checked, and this attempt counted as a failure until
    // it succeeds, under the lock: parallel guesses cannot overrun them.
    std::lock_guard lock(mu_);
    Transaction tx(db_);
    LANTERN_RETURN_IF_ERROR(tx.Begin());
    const int64_t since = now - options_.failure_window_seconds;
    LANTERN_RETURN_IF_ERROR(
        Stmt(db_, "DELETE FROM login_failures WHERE at <= ?").Bind(1, since).Run());
    auto failures = [&](const std::string& key) -> Result<int64_t> {
      Stmt s(db_, "SELECT count(*) FROM login_failures WHERE key = ? AND at > ? AND at <= ?");
      s.Bind(1, key).Bind(2, since).Bind(3, now);
      LANTERN_ASSIGN_OR_RETURN(bool row, s.Step());
      return row ? s.Int(0) : 0;
    };
    int64_t by_user = 0;
    if (valid_name) {
      LANTERN_ASSIGN_OR_RETURN(by_user, failures(user_key));
    }
    LANTERN_ASSIGN_OR_RETURN(int64_t by_address, failures(address_key));
    if (by_user >= options_.max_failures_per_account ||
        by_address >= options_.max_failures_per_address) {
      LANTERN_RETURN_IF_ERROR(tx.Commit());
      return Status::PermissionDenied(kTooManyFailures);
    }
    for (const std::string* key : {&user_key, &address_key}) {
      if (key == &user_key && !valid_name) continue;
      LANTERN_RETURN_IF_ERROR(Stmt(db_, "INSERT INTO login_failures (key, at) VALUES (?, ?)")
                                  .Bind(1, *key)
                                  .Bind(2, now)
                                  .Run());
      reserved.push_back(sqlite3_last_insert_rowid(db_));
    }
    if (valid_name) {
      Stmt s(db_,
             fmt::format("SELECT {}, password_hash FROM users WHERE username = ?", kUserColumns)
                 .c_str());
      s.Bind(1, username);
      LANTERN_ASSIGN_OR_RETURN(bool row, s.Step());
      if (row) {
        LANTERN_ASSIGN_OR_RETURN(User u, UserFrom(s));
        user = std::move(u);
        hash = s.Text(6);
      }
    }
    LANTERN_RETURN_IF_ERROR(tx.Commit());
  }
  // Argon2id takes a while: checked outside the lock, and against a dummy
  // hash for an unknown user so that it takes as long.
  const bool password_ok = VerifyPassword(user ? hash : DummyHash(), password);
  if (!password_ok || !user || user->disabled) return Status::PermissionDenied(kWrongPassword);

  Session session;
  session.token = RandomHex();
  session.csrf = RandomHex();
  std::lock_guard lock(mu_);
  Transaction tx(db_);
  LANTERN_RETURN_IF_ERROR(tx.Begin());
  for (int64_t rowid : reserved) {
    LANTERN_RETURN_IF_ERROR(
        Stmt(db_, "DELETE FROM login_failures WHERE rowid = ?").Bind(1, rowid).Run());
  }
  LANTERN_RETURN_IF_ERROR(Stmt(db_, "DELETE FROM sessions WHERE last_seen < ?")
                              .Bind(1, now - options_.idle_timeout_seconds)
                              .Run());
  // Only if the user was not disabled meanwhile.
  LANTERN_RETURN_IF_ERROR(Stmt(db_,
                               "INSERT INTO sessions (token_hash, user_id, csrf, created_at, "
                               "last_seen) SELECT ?, id, ?, ?, ? FROM users "
                               "WHERE id = ? AND disabled = 0")
                              .Bind(1, Sha256Hex(session.token))
                              .Bind(2, session.csrf)
                              .Bind(3, now)
                              .Bind(4, now)
                              .Bind(5, user->id)
                              .Run());
  if (sqlite3_changes(db_) != 1) return Status::PermissionDenied(kWrongPassword);
  LANTERN_RETURN_IF_ERROR(tx.Commit());
  session.user = std::move(*user);
  return session;
}

Result<Session> Accounts::Authenticate(const std::string& token, int64_t now) {
  if (!IsToken(token)) return Status::PermissionDenied(kNoSession);
  const std::string token_hash = Sha256Hex(token);
  std::lock_guard lock(mu_);
  Session session;
  int64_t last_seen = 0;
  {
    Stmt s(db_, fmt::format("SELECT s.csrf, s.last_seen, {} FROM sessions s JOIN users u "
                            "ON u.id = s.user_id WHERE s.token_hash = ?",
                            "u.id, u.username, u.role, u.scope, u.disabled, u.created_at")
                    .c_str());
    s.Bind(1, token_hash);
    LANTERN_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return Status::PermissionDenied(kNoSession);
    session.csrf = s.Text(0);
    last_seen = s.Int(1);
    LANTERN_ASSIGN_OR_RETURN(session.user, UserFrom(s, 2));
  }
  if (now - last_seen > options_.idle_timeout_seconds || session.user.disabled) {
    LANTERN_RETURN_IF_ERROR(
        Stmt(db_, "DELETE FROM sessions WHERE token_hash = ?").Bind(1, token_hash).Run());
    return Status::PermissionDenied(kNoSession);
  }
  if (now - last_seen >= options_.last_seen_resolution_seconds) {
    LANTERN_RETURN_IF_ERROR(
        Stmt(db_, "UPDATE sessions SET last_seen = max(last_seen, ?) WHERE token_hash = ?")
            .Bind(1, now)
            .Bind(2, token_hash)
            .Run());
  }
  return session;
}

Status Accounts::Logout(const std::string& token) {
  if (!IsToken(token)) return Status::Ok();
  std::lock_guard lock(mu_);
  return Stmt(db_, "DELETE FROM sessions WHERE token_hash = ?").Bind(1, Sha256Hex(token)).Run();
}

// ---------------------------------------------------------------------------
// Agreements.

Status Accounts::ImportAgreements(const std::string& toml_path) {
  LANTERN_ASSIGN_OR_RETURN(std::vector<Agreement> agreements, ParseAgreements(toml_path));
  std::lock_guard lock(mu_);
  Transaction tx(db_);
  LANTERN_RETURN_IF_ERROR(tx.Begin());
  LANTERN_RETURN_IF_ERROR(Exec(db_, "DELETE FROM agreements"));
  for (const Agreement& a : agreements) {
    LANTERN_RETURN_IF_ERROR(Stmt(db_,
                                 "INSERT INTO agreements (id, trust_id, la_code, classes, "
                                 "start_date, end_date, lipa) VALUES (?, ?, ?, ?, ?, ?, ?)")
                                .Bind(1, a.id)
                                .Bind(2, a.trust_id)
                                .Bind(3, a.la_code)
                                .Bind(4, JoinClasses(a.classes))
                                .Bind(5, a.start)
                                .Bind(6, a.end)
                                .Bind(7, a.lipa ? LipaToJson(*a.lipa) : std::string())
                                .Run());
  }
  return tx.Commit();
}

Result<std::vector<Agreement>> Accounts::ListAgreements() {
  std::lock_guard lock(mu_);
  Stmt s(db_,
         "SELECT id, trust_id, la_code, classes, start_date, end_date, lipa FROM agreements "
         "ORDER BY rowid");
  std::vector<Agreement> out;
  for (;;) {
    LANTERN_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    Agreement a;
    a.id = s.Text(0);
    a.trust_id = s.Text(1);
    a.la_code = static_cast<int>(s.Int(2));
    a.classes = SplitClasses(s.Text(3));
    a.start = s.Text(4);
    a.end = s.Text(5);
    if (const std::string lipa = s.Text(6); !lipa.empty()) {
      LANTERN_ASSIGN_OR_RETURN(LipaTerms l, LipaFromJson(lipa));
      l.agreement_id = a.id;
      l.trust_id = a.trust_id;
      l.la_code = a.la_code;
      l.start = a.start;
      l.end = a.end;
      a.lipa = std::move(l);
    }
    out.push_back(std::move(a));
  }
  return out;
}

// ---------------------------------------------------------------------------
// The audit log.

Status Accounts::Append(AuditEntry entry) {
  if (entry.at.empty()) entry.at = NowIso();
  std::lock_guard lock(mu_);
  Transaction tx(db_);
  LANTERN_RETURN_IF_ERROR(tx.Begin());
  entry.prev_hash = std::string(kZeroHash);
  {
    Stmt s(db_, "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1");
    LANTERN_ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) entry.prev_hash = s.Text(0);
  }
  // The id is SQLite's (AUTOINCREMENT: never reused, so a removed last
  // entry leaves a gap); the hash, which covers it, is set once it is known.
  LANTERN_RETURN_IF_ERROR(
      Stmt(db_,
           "INSERT INTO audit_log (at, username, role, scope, action, "
           "target, basis, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '')")
          .Bind(1, entry.at)
          .Bind(2, entry.username)
          .Bind(3, entry.role)
          .Bind(4, entry.scope)
          .Bind(5, entry.action)
          .Bind(6, entry.target)
          .Bind(7, entry.basis)
          .Bind(8, entry.prev_hash)
          .Run());
  entry.id = sqlite3_last_insert_rowid(db_);
  entry.hash = AuditHash(entry);
  LANTERN_RETURN_IF_ERROR(Stmt(db_, "UPDATE audit_log SET hash = ? WHERE id = ?")
                              .Bind(1, entry.hash)
                              .Bind(2, entry.id)
                              .Run());
  return tx.Commit();
}

namespace {

constexpr const char* kAuditColumns =
    "id, at, username, role, scope, action, target, basis, prev_hash, hash";

AuditEntry AuditFrom(const Stmt& s) {
  AuditEntry e;
  e.id = s.Int(0);
  e.at = s.Text(1);
  e.username = s.Text(2);
  e.role = s.Text(3);
  e.scope = s.Text(4);
  e.action = s.Text(5);
  e.target = s.Text(6);
  e.basis = s.Text(7);
  e.prev_hash = s.Text(8);
  e.hash = s.Text(9);
  return e;
}

}  // namespace

Result<std::vector<AuditEntry>> Accounts::AuditEntries(int64_t after_id, int64_t limit) {
  std::lock_guard lock(mu_);
  Stmt s(db_,
         fmt::format("SELECT {} FROM audit_log WHERE id > ? ORDER BY id LIMIT ?", kAuditColumns)
             .c_str());
  s.Bind(1, after_id).Bind(2, limit < 0 ? int64_t{-1} : limit);
  std::vector<AuditEntry> out;
  for (;;) {
    LANTERN_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(AuditFrom(s));
  }
  return out;
}

Result<AuditVerifyReport> Accounts::VerifyAudit() {
  std::lock_guard lock(mu_);
  // One read transaction: a consistent view while appends go on elsewhere.
  LANTERN_RETURN_IF_ERROR(Exec(db_, "BEGIN"));
  struct EndRead {
    sqlite3* db;
    ~EndRead() { sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr); }
  } end_read{db_};

  AuditVerifyReport report;
  auto fail = [&report](int64_t id, std::string problem) {
    if (!report.ok) return;
    report.ok = false;
    report.first_bad_id = id;
    report.problem = std::move(problem);
  };
  Stmt s(db_, fmt::format("SELECT {} FROM audit_log ORDER BY id", kAuditColumns).c_str());
  int64_t prev_id = 0;
  std::string prev_hash(kZeroHash);
  for (;;) {
    LANTERN_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    const AuditEntry e = AuditFrom(s);
    ++report.entries;
    if (!report.ok) continue;  // count the rest
    if (e.id != prev_id + 1) {
      fail(prev_id + 1, e.id == prev_id + 2
                            ? fmt::format("entry {} is missing: it was removed", prev_id + 1)
                            : fmt::format("entries {} to {} are missing: they were removed",
                                          prev_id + 1, e.id - 1));
    } else if (AuditHash(e) != e.hash) {
      fail(e.id, fmt::format("entry {} does not match its hash: it was changed, or moved "
                             "from another place in the log",
                             e.id));
    } else if (e.prev_hash != prev_hash) {
      if (prev_id == 0) {
        fail(e.id, fmt::format("entry {} is the first but its prev_hash is not the start of "
                               "the chain: it was altered",
                               e.id));
      } else {
        fail(prev_id, fmt::format("the chain breaks between entries {} and {}: entry {} was "
                                  "changed and its hash recomputed, or entry {} was altered",
                                  prev_id, e.id, prev_id, e.id));
      }
    }
    prev_id = e.id;
    prev_hash = e.hash;
  }
  // Entries removed from the end leave no gap, but SQLite remembers the
  // highest id it gave (AUTOINCREMENT).
  if (report.ok) {
    Stmt q(db_, "SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'");
    LANTERN_ASSIGN_OR_RETURN(bool row, q.Step());
    if (row && q.Int(0) > prev_id) {
      fail(prev_id + 1,
           q.Int(0) == prev_id + 1
               ? fmt::format("entry {}, the last, is missing: it was removed", prev_id + 1)
               : fmt::format("entries {} to {}, the last, are missing: they were "
                             "removed",
                             prev_id + 1, q.Int(0)));
    }
  }
  return report;
}

}  // namespace lantern::server
