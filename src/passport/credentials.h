// The skills passport (C10): a young person's qualifications, taken from the
// store's KS4 results, issued as W3C Verifiable Credentials in the Open
// Badges 3.0 shape (one OpenBadgeCredential per qualification, so that the
// holder can show each on its own, and one Comprehensive Learner Record
// wrapping them all), signed by the issuing school under eddsa-jcs-2022,
// revocable through a Bitstring Status List, and checked by anyone holding
// the files: `lantern passport init|issue|verify|revoke`.
// ../shared/spec/skills-passport.md is the reference; docs/skills-passport.md
// says what Lantern chose where it leaves a choice.
#ifndef LANTERN_PASSPORT_CREDENTIALS_H_
#define LANTERN_PASSPORT_CREDENTIALS_H_

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lantern/status.h"
#include "passport/data_integrity.h"

namespace lantern {
struct StoreState;
class QualCatalogue;
}  // namespace lantern

namespace lantern::passport {

// An issuer's folder: its key (issuer.key, readable by its owner only), its
// profile (issuer.json), the status list it publishes (status-list.json, a
// signed BitstringStatusListCredential) and which places of the list are
// taken (allocated.json: place -> credential id; kept private, since it
// lists every credential issued).
struct IssuerSetup {
  std::string name;             // "Example Academy"
  int32_t urn = 0;              // the school's URN (0: none)
  std::string status_list_url;  // where status-list.json will be published (https://...)
};
Status InitIssuer(const std::string& dir, const IssuerSetup& setup, const std::string& now);

struct IssueOptions {
  std::string recipient_email;  // identifies the holder, hashed with a salt
  std::string now;              // validFrom and the proofs' created (YYYY-MM-DDThh:mm:ssZ)
};

struct IssuedPassport {
  std::vector<nlohmann::json> items;    // one signed OpenBadgeCredential per qualification
  std::vector<std::string> item_names;  // file names for them ("gcse-maths.json")
  nlohmann::json record;                // the signed ClrCredential holding them all
  size_t results_left_out = 0;          // results that award nothing (U, fail, absent)
  size_t placements = 0;                // workplace experiences among the items
  size_t placements_left_out = 0;       // arranged by another school than the issuer
};

// Issues passports from an issuer's folder, one pupil after another (the
// store's KS4 results indexed by pupil once): what a school does on results
// day for its whole year group. Issue takes each credential's place in the
// status list; Save records the places taken (allocated.json), and must be
// called before the credentials issued since the last Save leave.
class PassportIssuer {
 public:
  static Result<PassportIssuer> Open(const StoreState& state, const QualCatalogue& catalogue,
                                     const std::string& issuer_dir);
  // NotFound when the store has no such pupil or no result of theirs that
  // awards anything; FailedPrecondition when the issuer has a URN and the
  // results are another school's; InvalidArgument for a bad UPN or e-mail.
  Result<IssuedPassport> Issue(const std::string& upn, const IssueOptions& options);
  Status Save();

  PassportIssuer(PassportIssuer&&) noexcept;
  PassportIssuer& operator=(PassportIssuer&&) noexcept;
  ~PassportIssuer();

 private:
  PassportIssuer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Issues the passport of the pupil with this UPN from the issuer's folder:
// each KS4 result that awards a qualification becomes a credential with a
// place of its own in the issuer's status list, chosen at random (recorded
// in allocated.json before anything is returned). NotFound when the store
// has no such pupil or no result that awards anything.
Result<IssuedPassport> IssuePassport(const StoreState& state, const QualCatalogue& catalogue,
                                     const std::string& upn, const std::string& issuer_dir,
                                     const IssueOptions& options);

// Revokes a credential the issuer issued: sets its bit in the status list and
// signs the list again (status-list.json, to be published again).
Status Revoke(const std::string& issuer_dir, const nlohmann::json& credential,
              const std::string& now);

struct VerifyOptions {
  std::string now;  // the time the validity window is checked at
  // The issuer's published status list, when the verifier has it (else the
  // revocation check is reported as not made).
  const nlohmann::json* status_list = nullptr;
  std::string recipient_email;  // when set, checked against the hashed identity
  // Issuers the verifier trusts (did:key identifiers); others are reported
  // as "not on your trusted list", which does not make the record invalid.
  std::vector<std::string> trusted_issuers;
};

// One qualification as an employer reads it.
struct ItemView {
  std::string name, achievement_type, grade, level, term, issuer, issuer_id;
  bool verified = false;
};

struct VerifyReport {
  bool valid = false;                 // every check that could be made passed
  std::vector<std::string> checks;    // what was checked, in words
  std::vector<std::string> problems;  // why not valid, in words
  std::vector<std::string> notes;     // checks not made, and trust
  std::vector<ItemView> items;
};

// Checks a passport file (a ClrCredential and every credential inside it, or
// one OpenBadgeCredential): each proof, that the signing key is the issuer's,
// the known contexts, the validity window, the status list bit and the
// holder's identity where given. Never throws.
VerifyReport Verify(const nlohmann::json& document, const VerifyOptions& options);

// The report as the server's check answers it: valid, the items (each with
// its type in words), checks, problems and notes. Every string in it is
// valid UTF-8, so it can always be written.
nlohmann::json VerifyReportJson(const VerifyReport& report);

// An achievementType in words ("ext:GCSE" -> "GCSE", "ext:TechnicalAward"
// -> "technical award").
std::string AchievementTypeText(const std::string& type);

// The time now, as the credentials write it (UTC, seconds).
std::string NowUtc();

}  // namespace lantern::passport

#endif  // LANTERN_PASSPORT_CREDENTIALS_H_
