// lantern passport init|issue|verify|revoke: the skills passport
// (docs/skills-passport.md).
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>

#include "cli/audit_read.h"
#include "cli/command_registry.h"
#include "common/csv_table.h"
#include "common/csv_writer.h"
#include "common/file_util.h"
#include "measures/qualifications.h"
#include "passport/credentials.h"
#include "passport/jcs.h"
#include "store/store.h"

namespace lantern::cli {
namespace {

using nlohmann::json;

Result<json> ReadJsonFile(const std::string& path) {
  auto text = ReadFileToString(path);
  if (!text.ok()) return Status::NotFound(fmt::format("cannot read {}", path));
  auto j = passport::ParseJson(*text);
  if (!j.ok()) return Status::InvalidInput(fmt::format("{}: {}", path, j.status().message()));
  return std::move(j).value();
}

struct IssueArgs {
  std::string store_dir, upn, issuer_dir, email, recipients, out_dir, catalogue_dir, now;
};

// The credentials, not synced to disk: lost in a crash, they are issued
// again (the places they took stay taken, which costs nothing).
Status WritePassport(const std::string& dir, const passport::IssuedPassport& p) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError(fmt::format("cannot create {}: {}", dir, ec.message()));
  for (size_t i = 0; i < p.items.size(); ++i) {
    LANTERN_RETURN_IF_ERROR(
        WriteFileAtomic(dir + "/" + p.item_names[i], p.items[i].dump(2) + "\n", false));
  }
  return WriteFileAtomic(dir + "/passport.json", p.record.dump(2) + "\n", false);
}

// One pupil (--upn, --recipient-email): OUT holds the passport. A year
// group (--recipients FILE, a CSV of upn,email): OUT/UPN for each pupil, and
// OUT/rejects.csv for the rows that could not be issued, with their line,
// field and reason. *rejected counts those rows.
Status IssueCommand(const IssueArgs& a, size_t* rejected) {
  *rejected = 0;
  if (a.recipients.empty() == (a.upn.empty() || a.email.empty())) {
    return Status::InvalidArgument(
        "give either --upn and --recipient-email (one pupil) or --recipients FILE (a CSV of "
        "upn,email)");
  }
  LANTERN_ASSIGN_OR_RETURN(
      QualCatalogue catalogue,
      QualCatalogue::Load(a.catalogue_dir.empty() ? DefaultCatalogueDir() : a.catalogue_dir));
  LANTERN_ASSIGN_OR_RETURN(auto store, Store::Open(a.store_dir, Store::Mode::kRead));
  LANTERN_RETURN_IF_ERROR(
      AuditCommandRead(a.store_dir, "lantern passport issue",
                       a.recipients.empty() ? "pupil:" + a.upn : "recipients:" + a.recipients));
  LANTERN_ASSIGN_OR_RETURN(StoreState state, store->Load(true));
  LANTERN_ASSIGN_OR_RETURN(passport::PassportIssuer issuer,
                           passport::PassportIssuer::Open(state, catalogue, a.issuer_dir));
  passport::IssueOptions o;
  o.now = a.now.empty() ? passport::NowUtc() : a.now;
  if (a.recipients.empty()) {
    o.recipient_email = a.email;
    LANTERN_ASSIGN_OR_RETURN(passport::IssuedPassport p, issuer.Issue(a.upn, o));
    // The places are recorded before the credentials leave.
    LANTERN_RETURN_IF_ERROR(issuer.Save());
    LANTERN_RETURN_IF_ERROR(WritePassport(a.out_dir, p));
    std::printf("lantern passport issue -> %s\n", a.out_dir.c_str());
    std::printf("  passport.json: the whole record (a ClrCredential), and one file per item:\n");
    for (size_t i = 0; i < p.items.size(); ++i) {
      std::printf("    %-44s %s\n", p.item_names[i].c_str(),
                  p.items[i]["name"].get<std::string>().c_str());
    }
    if (p.results_left_out > 0) {
      std::printf("  %zu results left out: they award nothing (U, a fail, absent)\n",
                  p.results_left_out);
    }
    if (p.placements_left_out > 0) {
      std::printf(
          "  %zu work experience placements left out: another school arranged them, and it is "
          "theirs to issue\n",
          p.placements_left_out);
    }
    return Status::Ok();
  }
  LANTERN_ASSIGN_OR_RETURN(CsvTable t, CsvTable::Load(a.recipients));
  LANTERN_ASSIGN_OR_RETURN(const int upn_col, t.RequireColumn("upn"));
  LANTERN_ASSIGN_OR_RETURN(const int email_col, t.RequireColumn("email"));
  auto rejects = CsvWriter::InMemory();
  rejects->Row(std::vector<std::string_view>{"file", "line", "field", "reason", "upn"});
  // Issued in batches: each batch's places are recorded before its files
  // are written.
  constexpr size_t kBatch = 100;
  std::vector<std::pair<std::string, passport::IssuedPassport>> batch;
  size_t issued = 0, credentials = 0;
  const bool progress = ::isatty(STDERR_FILENO) != 0 && t.rows() > 500;
  const auto flush = [&]() -> Status {
    LANTERN_RETURN_IF_ERROR(issuer.Save());
    for (const auto& [upn, p] : batch) {
      LANTERN_RETURN_IF_ERROR(WritePassport(a.out_dir + "/" + upn, p));
    }
    batch.clear();
    return Status::Ok();
  };
  std::map<std::string, size_t> line_of;  // the UPNs issued, and their lines
  const auto reject = [&](size_t line, const char* field, const std::string& reason,
                          const std::string& upn) {
    rejects->Field(a.recipients).Int(static_cast<int64_t>(line)).Field(field);
    rejects->Field(reason).Field(upn);
    rejects->EndRow();
    ++*rejected;
  };
  for (size_t r = 0; r < t.rows(); ++r) {
    const std::string& upn = t.Cell(r, upn_col);
    const size_t line = r + 2;
    if (const auto it = line_of.find(upn); it != line_of.end()) {
      reject(line, "upn", fmt::format("the same UPN as line {}: issued once", it->second), upn);
      continue;
    }
    o.recipient_email = t.Cell(r, email_col);
    auto p = issuer.Issue(upn, o);
    if (!p.ok()) {
      const bool email = p.status().message().find("e-mail") != std::string::npos;
      reject(line, email ? "email" : "upn", p.status().message(), upn);
      continue;
    }
    line_of[upn] = line;
    ++issued;
    credentials += p->items.size();
    batch.emplace_back(upn, std::move(p).value());
    if (batch.size() == kBatch) LANTERN_RETURN_IF_ERROR(flush());
    if (progress && (r + 1) % 100 == 0) {
      std::fprintf(stderr, "\r  %zu of %zu pupils", r + 1, t.rows());
    }
  }
  LANTERN_RETURN_IF_ERROR(flush());
  if (progress) std::fprintf(stderr, "\r%40s\r", "");
  std::error_code ec;
  std::filesystem::create_directories(a.out_dir, ec);
  LANTERN_RETURN_IF_ERROR(
      WriteFileAtomic(a.out_dir + "/rejects.csv", rejects->raw_writer().contents()));
  std::printf("lantern passport issue -> %s: %zu passports (%zu credentials), one folder per UPN\n",
              a.out_dir.c_str(), issued, credentials);
  if (*rejected > 0) {
    std::printf("  %zu rows not issued: %s/rejects.csv says why, row by row\n", *rejected,
                a.out_dir.c_str());
  }
  return Status::Ok();
}

int PrintReport(const passport::VerifyReport& r) {
  std::printf("%s\n", r.valid ? "VALID: every check made passed" : "NOT VALID");
  if (!r.items.empty()) {
    size_t width = 13;
    for (const auto& v : r.items) width = std::max(width, std::min<size_t>(v.name.size(), 72));
    std::printf("\n  %-*s  %-17s %-7s %-13s %s\n", static_cast<int>(width), "qualification", "type",
                "result", "level", "awarded");
    for (const auto& v : r.items) {
      std::printf("  %-*s  %-17s %-7s %-13s %s%s\n", static_cast<int>(width),
                  v.name.substr(0, width).c_str(),
                  passport::AchievementTypeText(v.achievement_type).c_str(), v.grade.c_str(),
                  v.level.empty() ? "-" : v.level.c_str(), v.term.c_str(),
                  v.verified ? "" : "  (NOT VERIFIED)");
    }
    std::printf("  issued by %s, key %s\n", r.items.front().issuer.c_str(),
                r.items.front().issuer_id.c_str());
  }
  if (!r.problems.empty()) {
    std::printf("\nProblems:\n");
    for (const auto& p : r.problems) std::printf("  - %s\n", p.c_str());
  }
  std::printf("\nChecked:\n");
  for (const auto& c : r.checks) std::printf("  - %s\n", c.c_str());
  if (!r.notes.empty()) {
    std::printf("\nNot checked, or for you to judge:\n");
    for (const auto& n : r.notes) std::printf("  - %s\n", n.c_str());
  }
  return r.valid ? kExitOk : kExitFailure;
}

void AddPassport(CLI::App& app, int* exit_code) {
  CLI::App* passport = app.add_subcommand(
      "passport",
      "The skills passport: a young person's qualifications as signed, verifiable credentials "
      "(Open Badges 3.0, eddsa-jcs-2022) that an employer can read and check "
      "(docs/skills-passport.md).");
  passport->require_subcommand(1);
  passport->footer(
      "Examples:\n"
      "  lantern passport init --issuer keys/school --name \"Example Academy\" --urn 100001 \\\n"
      "      --status-list-url https://school.example/passport/status-list.json\n"
      "  lantern passport issue --store S --upn A823400119001 --issuer keys/school \\\n"
      "      --recipient-email learner@example.org --out passports/A823400119001\n"
      "  lantern passport verify passports/A823400119001/passport.json \\\n"
      "      --status-list keys/school/status-list.json\n"
      "  lantern passport revoke --issuer keys/school --credential "
      "passports/X/gcse-mathematics.json");
  {
    auto dir = std::make_shared<std::string>();
    auto name = std::make_shared<std::string>();
    auto url = std::make_shared<std::string>();
    auto urn = std::make_shared<int>(0);
    CLI::App* cmd = passport->add_subcommand(
        "init",
        "Make an issuer: a new Ed25519 key (issuer.key, readable by you only: keep it secret), "
        "its profile, and an empty signed status list to publish.");
    cmd->add_option("--issuer", *dir, "the issuer's folder (made; must not hold an issuer)")
        ->required();
    cmd->add_option("--name", *name, "the issuer's name, as employers will read it")->required();
    cmd->add_option("--urn", *urn, "the school's URN: it then issues for its own pupils only");
    cmd->add_option("--status-list-url", *url,
                    "the https:// URL where you will publish status-list.json")
        ->required();
    cmd->footer(
        "Example:\n  lantern passport init --issuer keys/school --name \"Example Academy\" "
        "--urn 100001 --status-list-url https://school.example/passport/status-list.json");
    cmd->callback([=] {
      passport::IssuerSetup s;
      s.name = *name;
      s.urn = *urn;
      s.status_list_url = *url;
      const Status st = passport::InitIssuer(*dir, s, passport::NowUtc());
      if (!st.ok()) {
        *exit_code = ReportFailure("passport init", st);
        return;
      }
      auto profile = ReadJsonFile(*dir + "/issuer.json");
      std::printf("lantern passport init -> %s\n  issuer %s\n", dir->c_str(),
                  profile.ok() ? (*profile)["profile"]["id"].get<std::string>().c_str() : "?");
      std::printf("  publish status-list.json at %s; keep issuer.key and allocated.json private\n",
                  url->c_str());
      *exit_code = kExitOk;
    });
  }
  {
    auto a = std::make_shared<IssueArgs>();
    CLI::App* cmd = passport->add_subcommand(
        "issue",
        "Issue passports from the store's KS4 results and work experience "
        "(employer_encounters.csv placements the issuer's school arranged): for each pupil, one "
        "signed credential per qualification awarded and per placement, and passport.json "
        "holding them all. One pupil (--upn, "
        "--recipient-email) or a year group (--recipients FILE). PUPIL-LEVEL: for the pupil and "
        "the issuing school.");
    cmd->add_option("--store", a->store_dir, "store folder")->required();
    cmd->add_option("--issuer", a->issuer_dir, "the issuer's folder (lantern passport init)")
        ->required();
    cmd->add_option("--out", a->out_dir,
                    "folder for the credentials (with --recipients: a folder per UPN)")
        ->required();
    cmd->add_option("--upn", a->upn, "one pupil's UPN");
    cmd->add_option("--recipient-email", a->email,
                    "that pupil's e-mail address: kept only as a salted hash");
    cmd->add_option("--recipients", a->recipients,
                    "a CSV with columns upn and email: a passport for each row; rows that "
                    "cannot be issued go to OUT/rejects.csv (exit 3)");
    cmd->add_option(
        "--catalogue", a->catalogue_dir,
        "qualification catalogue folder (default: the catalogue/ shipped with Lantern)");
    cmd->add_option("--now", a->now, "issue time, YYYY-MM-DDThh:mm:ssZ (default: now)");
    cmd->footer(
        "Examples:\n  lantern passport issue --store S --upn A823400119001 --issuer keys/school "
        "--recipient-email learner@example.org --out passports/A823400119001\n"
        "  lantern passport issue --store S --issuer keys/school --recipients year11.csv "
        "--out passports");
    cmd->callback([=] {
      size_t rejected = 0;
      const Status st = IssueCommand(*a, &rejected);
      *exit_code = !st.ok()       ? ReportFailure("passport issue", st)
                   : rejected > 0 ? kExitRowsRejected
                                  : kExitOk;
    });
  }
  {
    auto file = std::make_shared<std::string>();
    auto list = std::make_shared<std::string>();
    auto email = std::make_shared<std::string>();
    auto trusted = std::make_shared<std::string>();
    auto at = std::make_shared<std::string>();
    CLI::App* cmd = passport->add_subcommand(
        "verify",
        "Check a passport or one credential: every signature, that the key is the issuer's, the "
        "validity dates, revocation (with the issuer's status list) and, if given, the holder's "
        "e-mail. Prints what it holds as an employer reads it. Exit 0 only when valid.");
    cmd->add_option("file", *file, "passport.json, or one credential's file")->required();
    cmd->add_option("--status-list", *list, "the issuer's published status-list.json");
    cmd->add_option("--recipient-email", *email, "the e-mail the holder gave you");
    cmd->add_option("--trusted-issuers", *trusted,
                    "a file of issuer ids (did:key:...) you trust, one per line");
    cmd->add_option("--at", *at, "check validity at this time (default: now)");
    cmd->footer(
        "Example:\n  lantern passport verify passports/A823400119001/passport.json "
        "--status-list status-list.json --recipient-email learner@example.org");
    cmd->callback([=] {
      auto doc = ReadJsonFile(*file);
      if (!doc.ok()) {
        *exit_code = ReportFailure("passport verify", doc.status());
        return;
      }
      passport::VerifyOptions o;
      o.now = at->empty() ? passport::NowUtc() : *at;
      o.recipient_email = *email;
      json status_list;
      if (!list->empty()) {
        auto l = ReadJsonFile(*list);
        if (!l.ok()) {
          *exit_code = ReportFailure("passport verify", l.status());
          return;
        }
        status_list = std::move(l).value();
        o.status_list = &status_list;
      }
      if (!trusted->empty()) {
        auto text = ReadFileToString(*trusted);
        if (!text.ok()) {
          *exit_code = ReportFailure("passport verify", text.status());
          return;
        }
        size_t start = 0;
        while (start < text->size()) {
          size_t end = text->find('\n', start);
          if (end == std::string::npos) end = text->size();
          std::string line = text->substr(start, end - start);
          start = end + 1;
          while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
          if (!line.empty() && line[0] != '#') o.trusted_issuers.push_back(line);
        }
      }
      *exit_code = PrintReport(passport::Verify(*doc, o));
    });
  }
  {
    auto dir = std::make_shared<std::string>();
    auto credential = std::make_shared<std::string>();
    CLI::App* cmd = passport->add_subcommand(
        "revoke",
        "Revoke a credential this issuer issued: its bit in the status list is set and the list "
        "signed again; publish status-list.json again.");
    cmd->add_option("--issuer", *dir, "the issuer's folder")->required();
    cmd->add_option("--credential", *credential, "the credential's file")->required();
    cmd->footer(
        "Example:\n  lantern passport revoke --issuer keys/school --credential "
        "passports/A823400119001/gcse-mathematics.json");
    cmd->callback([=] {
      auto c = ReadJsonFile(*credential);
      Status st = c.ok() ? passport::Revoke(*dir, *c, passport::NowUtc()) : c.status();
      if (!st.ok()) {
        *exit_code = ReportFailure("passport revoke", st);
        return;
      }
      std::printf("lantern passport revoke: %s revoked; publish %s/status-list.json again\n",
                  (*c)["id"].get<std::string>().c_str(), dir->c_str());
      *exit_code = kExitOk;
    });
  }
}

const CommandRegistrar kRegistrar({"passport", 75, AddPassport});

}  // namespace
}  // namespace lantern::cli
