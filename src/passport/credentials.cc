#include "passport/credentials.h"

#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>

#include "common/csv_table.h"
#include "common/file_util.h"
#include "measures/qualifications.h"
#include "model/codes.h"
#include "model/upn.h"
#include "passport/jcs.h"
#include "passport/status_list.h"
#include "store/store.h"

namespace lantern::passport {

namespace {

using nlohmann::json;

constexpr const char* kVcContext = "https://www.w3.org/ns/credentials/v2";
constexpr const char* kObContext = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
constexpr const char* kClrContext = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";
constexpr const char* kRqfUrl = "https://www.gov.uk/what-different-qualification-levels-mean";

std::string Hex(const uint8_t* bytes, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(2 * n, '0');
  for (size_t i = 0; i < n; ++i) {
    s[2 * i] = kDigits[bytes[i] >> 4];
    s[2 * i + 1] = kDigits[bytes[i] & 15];
  }
  return s;
}

std::string RandomHex(size_t bytes) {
  std::vector<uint8_t> b(bytes);
  randombytes_buf(b.data(), b.size());
  return Hex(b.data(), b.size());
}

// A random (version 4) UUID as a URN.
std::string NewUrnUuid() {
  uint8_t b[16];
  randombytes_buf(b, sizeof b);
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);
  const std::string h = Hex(b, sizeof b);
  return fmt::format("urn:uuid:{}-{}-{}-{}-{}", h.substr(0, 8), h.substr(8, 4), h.substr(12, 4),
                     h.substr(16, 4), h.substr(20));
}

// The identity hash of Open Badges: "sha256$" + hex(SHA-256(identity + salt)),
// the e-mail address trimmed and in lower case.
std::string NormalEmail(std::string email) {
  while (!email.empty() && std::isspace(static_cast<unsigned char>(email.back()))) email.pop_back();
  size_t start = 0;
  while (start < email.size() && std::isspace(static_cast<unsigned char>(email[start]))) ++start;
  email = email.substr(start);
  for (char& c : email) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return email;
}
std::string IdentityHash(const std::string& email, const std::string& salt) {
  const std::string text = NormalEmail(email) + salt;
  uint8_t h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const uint8_t*>(text.data()), text.size());
  return "sha256$" + Hex(h, sizeof h);
}
json IdentityObject(const std::string& email) {
  const std::string salt = RandomHex(16);
  return {{"type", "IdentityObject"},
          {"identityType", "emailAddress"},
          {"hashed", true},
          {"identityHash", IdentityHash(email, salt)},
          {"salt", salt}};
}

Result<json> ReadJson(const std::string& path) {
  auto text = ReadFileToString(path);
  if (!text.ok()) return Status::IoError(fmt::format("cannot read {}", path));
  auto j = ParseJson(*text);
  if (!j.ok()) return Status::InvalidInput(fmt::format("{}: {}", path, j.status().message()));
  return std::move(j).value();
}

Status WriteJson(const std::string& path, const json& j) {
  return WriteFileAtomic(path, j.dump(2) + "\n");
}

// A string member, or "" when absent or not a string.
std::string Text(const json& j, const char* key) {
  if (!j.is_object()) return "";
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// `type` is array-compacted: a string or an array of strings.
bool HasType(const json& j, std::string_view type) {
  if (!j.is_object() || !j.contains("type")) return false;
  const json& t = j["type"];
  if (t.is_string()) return t.get<std::string>() == type;
  if (!t.is_array()) return false;
  return std::any_of(t.begin(), t.end(),
                     [&](const json& v) { return v.is_string() && v.get<std::string>() == type; });
}

std::string IssuerId(const json& credential) {
  if (!credential.is_object() || !credential.contains("issuer")) return "";
  const json& i = credential["issuer"];
  return i.is_string() ? i.get<std::string>() : Text(i, "id");
}
std::string IssuerName(const json& credential) {
  if (!credential.is_object() || !credential.contains("issuer")) return "";
  return Text(credential["issuer"], "name");
}

// The issuer's folder, read.
struct Issuer {
  std::string dir;
  KeyPair key;
  json profile;
  std::string status_list_url;
  StatusList list;
  json allocated;  // place -> credential id
};

std::string PathIn(const std::string& dir, const char* name) { return dir + "/" + name; }

json StatusListCredential(const Issuer& is, const std::string& now) {
  return {{"@context", json::array({kVcContext})},
          {"id", is.status_list_url},
          {"type", json::array({"VerifiableCredential", "BitstringStatusListCredential"})},
          {"issuer", is.profile["id"]},
          {"validFrom", now},
          {"credentialSubject",
           {{"id", is.status_list_url + "#list"},
            {"type", "BitstringStatusList"},
            {"statusPurpose", "revocation"},
            {"encodedList", is.list.Encode()}}}};
}

Status SaveStatusList(const Issuer& is, const std::string& now) {
  ProofOptions o;
  o.created = now;
  LANTERN_ASSIGN_OR_RETURN(json signed_list, AddProof(StatusListCredential(is, now), is.key, o));
  return WriteJson(PathIn(is.dir, "status-list.json"), signed_list);
}

Result<Issuer> LoadIssuer(const std::string& dir) {
  Issuer is;
  is.dir = dir;
  LANTERN_ASSIGN_OR_RETURN(is.key, LoadKeyFile(PathIn(dir, "issuer.key")));
  LANTERN_ASSIGN_OR_RETURN(json config, ReadJson(PathIn(dir, "issuer.json")));
  if (!config.contains("profile") || !config["profile"].is_object() ||
      Text(config["profile"], "id") != DidKey(is.key.public_key)) {
    return Status::InvalidInput(
        fmt::format("{}/issuer.json: no profile, or its id is not the key's", dir));
  }
  is.profile = config["profile"];
  is.status_list_url = Text(config, "status_list_url");
  LANTERN_ASSIGN_OR_RETURN(json list, ReadJson(PathIn(dir, "status-list.json")));
  const json& subject = list.contains("credentialSubject") ? list["credentialSubject"] : json();
  LANTERN_ASSIGN_OR_RETURN(is.list, StatusList::Decode(Text(subject, "encodedList")));
  LANTERN_ASSIGN_OR_RETURN(is.allocated, ReadJson(PathIn(dir, "allocated.json")));
  if (!is.allocated.is_object()) {
    return Status::InvalidInput(fmt::format("{}/allocated.json: not an object", dir));
  }
  return is;
}

// A place in the status list no credential has, at random (so that a place
// says nothing of when a credential was issued or how many were).
Result<size_t> AllocatePlace(Issuer* is, const std::string& credential_id) {
  if (is->allocated.size() * 2 >= is->list.size()) {
    return Status::FailedPrecondition("the issuer's status list is half full: start a new one");
  }
  for (;;) {
    const size_t place = randombytes_uniform(static_cast<uint32_t>(is->list.size()));
    const std::string key = std::to_string(place);
    if (is->allocated.contains(key)) continue;
    is->allocated[key] = credential_id;
    return place;
  }
}

// A qualification's grades that award it, lowest first, from the
// catalogue's point scales (a grade of 0 points, U or F, awards nothing).
using Scales = std::map<std::string, std::vector<std::pair<double, std::string>>>;
Result<Scales> ReadScales(const std::string& catalogue_dir) {
  LANTERN_ASSIGN_OR_RETURN(CsvTable t, CsvTable::Load(catalogue_dir + "/point_scales.csv"));
  LANTERN_ASSIGN_OR_RETURN(const int scale, t.RequireColumn("scale"));
  LANTERN_ASSIGN_OR_RETURN(const int grade, t.RequireColumn("grade"));
  LANTERN_ASSIGN_OR_RETURN(const int points, t.RequireColumn("points"));
  Scales scales;
  for (size_t r = 0; r < t.rows(); ++r) {
    const double p = std::atof(t.Cell(r, points).c_str());
    if (p > 0) scales[t.Cell(r, scale)].push_back({p, t.Cell(r, grade)});
  }
  for (auto& [name, grades] : scales) std::sort(grades.begin(), grades.end());
  return scales;
}

bool PassFail(const std::vector<std::pair<double, std::string>>& grades) {
  return grades.size() == 1 && grades[0].second == "P";
}

// The RQF level a result reaches (docs/skills-passport.md): Entry 1 to 3 for
// entry-level grades and functional skills at entry level; otherwise by the
// result's points on the Department's scale, 4 and above (GCSE 9 to 4, a
// technical award at Level 2) Level 2, and 1 and above Level 1.
std::string RqfLevel(const Qualification& q, const std::string& grade, double points) {
  if (grade.size() == 2 && grade[0] == 'E' && grade[1] >= '1' && grade[1] <= '3') {
    return std::string("Entry ") + grade[1];
  }
  if (q.level == "E3") return "Entry 3";
  if (points >= 4) return "Level 2";
  if (points >= 1) return "Level 1";
  return "";
}

// Open Badges' achievementType for a catalogue type (extensions start "ext:").
std::string AchievementType(const std::string& type) {
  if (type == "gcse") return "ext:GCSE";
  if (type == "technical_award") return "ext:TechnicalAward";
  if (type == "functional_skills") return "ext:FunctionalSkills";
  return "Certificate";  // level 2 certificates, VRQs, entry level
}

std::string ResultType(const std::string& scale, bool pass_fail) {
  if (pass_fail) return "ext:PassFail";
  if (scale == "gcse_9to1") return "ext:GCSEGrade9to1";
  if (scale == "gcse_combined_9to1") return "ext:GCSECombinedGrade9to1";
  return "LetterGrade";
}

std::string TermText(int32_t series) {
  static constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};
  const int month = series % 100, year = series / 100;
  if (month < 1 || month > 12) return std::to_string(series);
  return fmt::format("{} {} exam series", kMonths[month - 1], year);
}

std::string Slug(const std::string& title) {
  std::string s;
  for (char c : title) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!s.empty() && s.back() != '-') {
      s += '-';
    }
  }
  while (!s.empty() && s.back() == '-') s.pop_back();
  return s.empty() ? "item" : s;
}

json Achievement(const Qualification& q, const std::string& scale_name,
                 const std::vector<std::pair<double, std::string>>& grades,
                 const std::string& level) {
  const bool pass_fail = PassFail(grades);
  json allowed = json::array();
  if (pass_fail) {
    allowed = {"Fail", "Pass"};
  } else {
    for (const auto& g : grades) allowed.push_back(g.second);
  }
  const std::string id = "urn:lantern:qualification:" + q.id;
  json a = {
      {"id", id},
      {"type", json::array({"Achievement"})},
      {"achievementType", AchievementType(q.type)},
      {"name", q.title},
      {"description",
       fmt::format("{} (regulated qualification in England; Lantern catalogue id {}).", q.title,
                   q.id)},
      {"criteria",
       {{"narrative",
         "Awarded by the awarding organisation on the evidence of its assessments; the grade as "
         "the awarding organisation reported it to the school."}}},
      {"resultDescription", json::array({{{"id", id + ":grade"},
                                          {"type", json::array({"ResultDescription"})},
                                          {"name", "Grade"},
                                          {"resultType", ResultType(scale_name, pass_fail)},
                                          {"allowedValue", allowed}}})}};
  if (!level.empty()) {
    a["alignment"] =
        json::array({{{"type", json::array({"Alignment"})},
                      {"targetName", "RQF " + level},
                      {"targetCode", level},
                      {"targetFramework", "Regulated Qualifications Framework (England)"},
                      {"targetType", "ext:RQFLevel"},
                      {"targetUrl", kRqfUrl}}});
  }
  return a;
}

}  // namespace

std::string AchievementTypeText(const std::string& type) {
  if (type == "ext:GCSE") return "GCSE";
  if (type == "ext:TechnicalAward") return "technical award";
  if (type == "ext:FunctionalSkills") return "functional skills";
  if (type == "Certificate") return "certificate";
  if (type == "Fieldwork") return "work experience";
  return type.rfind("ext:", 0) == 0 ? type.substr(4) : type;
}

nlohmann::json VerifyReportJson(const VerifyReport& report) {
  nlohmann::json items = nlohmann::json::array();
  for (const ItemView& v : report.items) {
    items.push_back({{"name", v.name},
                     {"type", AchievementTypeText(v.achievement_type)},
                     {"result", v.grade},
                     {"level", v.level},
                     {"awarded", v.term},
                     {"issuer", v.issuer},
                     {"issuer_id", v.issuer_id},
                     {"verified", v.verified}});
  }
  return {{"valid", report.valid},
          {"items", std::move(items)},
          {"checks", report.checks},
          {"problems", report.problems},
          {"notes", report.notes}};
}

std::string NowUtc() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Status InitIssuer(const std::string& dir, const IssuerSetup& setup, const std::string& now) {
  if (sodium_init() < 0) return Status::Internal("libsodium could not start");
  if (setup.name.empty()) return Status::InvalidArgument("the issuer needs a name (--name)");
  if (setup.status_list_url.rfind("https://", 0) != 0) {
    return Status::InvalidArgument(
        "--status-list-url must be an https:// URL: where status-list.json will be published");
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError(fmt::format("cannot create {}: {}", dir, ec.message()));
  // The folder holds the secret key: its owner's only.
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  if (std::filesystem::exists(PathIn(dir, "issuer.json"))) {
    return Status::FailedPrecondition(fmt::format("{} already holds an issuer", dir));
  }
  Issuer is;
  is.dir = dir;
  is.key = NewKeyPair();
  LANTERN_RETURN_IF_ERROR(SaveKeyFile(PathIn(dir, "issuer.key"), is.key));
  is.profile = {
      {"id", DidKey(is.key.public_key)}, {"type", json::array({"Profile"})}, {"name", setup.name}};
  if (setup.urn > 0) {
    is.profile["otherIdentifier"] = json::array({{{"type", json::array({"IdentifierEntry"})},
                                                  {"identifier", std::to_string(setup.urn)},
                                                  {"identifierType", "ext:URN"}}});
  }
  is.status_list_url = setup.status_list_url;
  is.allocated = json::object();
  LANTERN_RETURN_IF_ERROR(WriteJson(PathIn(dir, "allocated.json"), is.allocated));
  LANTERN_RETURN_IF_ERROR(SaveStatusList(is, now));
  return WriteJson(PathIn(dir, "issuer.json"),
                   {{"profile", is.profile}, {"status_list_url", is.status_list_url}});
}

struct PassportIssuer::Impl {
  const StoreState* s = nullptr;
  const QualCatalogue* catalogue = nullptr;
  std::string dir;
  Issuer is;
  Scales scales;
  int32_t issuer_urn = 0;
  // The pupils with KS4 results, by UPN, and each one's rows.
  std::unordered_map<uint64_t, std::vector<uint32_t>> rows_of;
  // The pupils' workplace experiences (employer_encounters.csv), by UPN.
  std::unordered_map<uint64_t, std::vector<uint32_t>> placements_of;
};

PassportIssuer::PassportIssuer() = default;
PassportIssuer::PassportIssuer(PassportIssuer&&) noexcept = default;
PassportIssuer& PassportIssuer::operator=(PassportIssuer&&) noexcept = default;
PassportIssuer::~PassportIssuer() = default;

Result<PassportIssuer> PassportIssuer::Open(const StoreState& s, const QualCatalogue& catalogue,
                                            const std::string& issuer_dir) {
  if (sodium_init() < 0) return Status::Internal("libsodium could not start");
  PassportIssuer out;
  out.impl_ = std::make_unique<Impl>();
  Impl& x = *out.impl_;
  x.s = &s;
  x.catalogue = &catalogue;
  x.dir = issuer_dir;
  LANTERN_ASSIGN_OR_RETURN(x.is, LoadIssuer(issuer_dir));
  LANTERN_ASSIGN_OR_RETURN(x.scales, ReadScales(catalogue.dir()));
  if (x.is.profile.contains("otherIdentifier")) {
    for (const json& e : x.is.profile["otherIdentifier"]) {
      if (Text(e, "identifierType") == "ext:URN") {
        x.issuer_urn = std::atoi(Text(e, "identifier").c_str());
      }
    }
  }
  const Ks4ResultTable& r = s.ks4_results;
  for (uint32_t i = 0; i < r.size(); ++i) {
    if (r.pupil[i] < s.pupils.size()) x.rows_of[s.pupils.upn[r.pupil[i]]].push_back(i);
  }
  const EmployerActivityTable& e = s.employer_activities;
  for (uint32_t i = 0; i < e.size(); ++i) {
    if (e.pupil[i] < s.pupils.size() &&
        static_cast<EmployerActivity>(e.activity[i]) == EmployerActivity::kPlacement) {
      x.placements_of[s.pupils.upn[e.pupil[i]]].push_back(i);
    }
  }
  return out;
}

Result<IssuedPassport> PassportIssuer::Issue(const std::string& upn, const IssueOptions& options) {
  Impl& x = *impl_;
  const StoreState& s = *x.s;
  Issuer& is = x.is;
  if (options.recipient_email.find('@') == std::string::npos) {
    return Status::InvalidArgument("the recipient's e-mail address is not an address");
  }
  uint64_t key = 0;
  if (ParseUpn(upn, &key) != UpnProblem::kNone) {
    return Status::InvalidArgument(fmt::format("{} is not a valid UPN", upn));
  }
  const auto found = x.rows_of.find(key);
  const auto placed = x.placements_of.find(key);
  if (found == x.rows_of.end() && placed == x.placements_of.end()) {
    const bool known =
        std::find(s.pupils.upn.begin(), s.pupils.upn.end(), key) != s.pupils.upn.end();
    return Status::NotFound(
        known ? fmt::format("the store holds no KS4 result or work experience for {}", upn)
              : "no pupil with that UPN in the store");
  }
  static const std::vector<uint32_t> kNone;
  const std::vector<uint32_t>& results = found == x.rows_of.end() ? kNone : found->second;
  const std::vector<uint32_t>& placements =
      placed == x.placements_of.end() ? kNone : placed->second;
  IssuedPassport out;
  const Ks4ResultTable& r = s.ks4_results;
  std::map<std::string, int> names_used;
  // Places are taken only once the whole passport is made: a passport that
  // fails part way gives back those it took.
  struct GiveBack {
    json& allocated;
    json before;
    bool keep = false;
    ~GiveBack() {
      if (!keep) allocated = std::move(before);
    }
  } give_back{is.allocated, is.allocated};
  // One credential for each item, signed and given its place in the list.
  auto add = [&](json credential, const std::string& slug) -> Status {
    const std::string id = credential["id"];
    LANTERN_ASSIGN_OR_RETURN(const size_t place, AllocatePlace(&is, id));
    credential["credentialStatus"] = {{"id", fmt::format("{}#{}", is.status_list_url, place)},
                                      {"type", "BitstringStatusListEntry"},
                                      {"statusPurpose", "revocation"},
                                      {"statusListIndex", std::to_string(place)},
                                      {"statusListCredential", is.status_list_url}};
    ProofOptions o;
    o.created = options.now;
    LANTERN_ASSIGN_OR_RETURN(json signed_item, AddProof(credential, is.key, o));
    const int n = ++names_used[slug];
    out.item_names.push_back(n == 1 ? slug + ".json" : fmt::format("{}-{}.json", slug, n));
    out.items.push_back(std::move(signed_item));
    return Status::Ok();
  };
  for (uint32_t i : results) {
    const int q = x.catalogue->Find(r.qual_id[i]);
    const std::optional<double> points = q >= 0 ? x.catalogue->Points(q, r.grade[i]) : std::nullopt;
    if (!points || *points <= 0) {
      ++out.results_left_out;  // U, a fail, absent: nothing awarded
      continue;
    }
    const int32_t urn = r.school[i] < s.schools.size() ? s.schools.urn[r.school[i]] : 0;
    if (x.issuer_urn > 0 && urn != x.issuer_urn) {
      return Status::FailedPrecondition(fmt::format(
          "the pupil's results were reported by school {}, not by the issuer (URN {}): a school "
          "issues the passport of its own pupils' results",
          urn, x.issuer_urn));
    }
    const Qualification& qual = x.catalogue->qualifications()[static_cast<size_t>(q)];
    const auto& grades = x.scales[qual.point_scale];
    const bool pass_fail = PassFail(grades);
    const std::string level = RqfLevel(qual, r.grade[i], *points);
    json achievement = Achievement(qual, qual.point_scale, grades, level);
    json credential = {
        {"@context", json::array({kVcContext, kObContext})},
        {"id", NewUrnUuid()},
        {"type", json::array({"VerifiableCredential", "OpenBadgeCredential"})},
        {"name", qual.title},
        {"issuer", is.profile},
        {"validFrom", options.now},
        {"credentialSubject",
         {{"type", json::array({"AchievementSubject"})},
          {"identifier", json::array({IdentityObject(options.recipient_email)})},
          {"achievement", achievement},
          {"result", json::array({{{"type", json::array({"Result"})},
                                   {"resultDescription", achievement["resultDescription"][0]["id"]},
                                   {"value", pass_fail ? std::string("Pass") : r.grade[i]}}})},
          {"term", TermText(r.exam_series[i])}}}};
    LANTERN_RETURN_IF_ERROR(add(std::move(credential), Slug(qual.title)));
  }
  // Workplace experiences (reference 5.5): a Fieldwork achievement, the
  // dates and the job title on the subject, the employer named in the
  // achievement (the school, not the employer, signs).
  const EmployerActivityTable& e = s.employer_activities;
  for (uint32_t i : placements) {
    const int32_t urn = e.school[i] < s.schools.size() ? s.schools.urn[e.school[i]] : 0;
    if (x.issuer_urn > 0 && urn != x.issuer_urn) {
      ++out.placements_left_out;  // another school's to vouch for
      continue;
    }
    const std::string& employer = e.employer[i];
    const std::string& role = e.role[i];
    const std::string from = FormatIsoDate(Date{e.start_date[i]});
    const std::string to = FormatIsoDate(Date{e.end_date[i]});
    const std::string name = role.empty() ? fmt::format("Work experience at {}", employer)
                                          : fmt::format("Work experience: {}, {}", role, employer);
    std::string narrative =
        from == to ? fmt::format("A workplace experience at {} on {}", employer, from)
                   : fmt::format("A workplace experience at {} from {} to {}", employer, from, to);
    if (!role.empty()) narrative += fmt::format(", as {}", role);
    if (e.hours[i] > 0) narrative += fmt::format(" ({:g} hours)", e.hours[i]);
    narrative += ", arranged by the school, which recorded it.";
    json subject = {{"type", json::array({"AchievementSubject"})},
                    {"identifier", json::array({IdentityObject(options.recipient_email)})},
                    {"achievement",
                     {{"id", NewUrnUuid()},
                      {"type", json::array({"Achievement"})},
                      {"achievementType", "Fieldwork"},
                      {"name", name},
                      {"description", narrative},
                      {"criteria",
                       {{"narrative",
                         "Attended a placement in a workplace that the school arranged and "
                         "recorded (work experience, shadowing or a work placement)."}}}}},
                    {"activityStartDate", from + "T00:00:00Z"},
                    {"activityEndDate", to + "T00:00:00Z"}};
    if (!role.empty()) subject["role"] = role;
    json credential = {{"@context", json::array({kVcContext, kObContext})},
                       {"id", NewUrnUuid()},
                       {"type", json::array({"VerifiableCredential", "OpenBadgeCredential"})},
                       {"name", name},
                       {"issuer", is.profile},
                       {"validFrom", options.now},
                       {"credentialSubject", std::move(subject)}};
    LANTERN_RETURN_IF_ERROR(add(std::move(credential), Slug("work experience " + employer)));
    ++out.placements;
  }
  if (out.items.empty()) {
    return Status::NotFound(fmt::format(
        "nothing to issue for {}: no KS4 result that awards a qualification ({} left out: U, fail "
        "or absent) and no work experience the issuer arranged ({} arranged by another school)",
        upn, out.results_left_out, out.placements_left_out));
  }
  json record = {
      {"@context", json::array({kVcContext, kClrContext, kObContext})},
      {"id", NewUrnUuid()},
      {"type", json::array({"VerifiableCredential", "ClrCredential"})},
      {"name", "Skills passport"},
      {"description",
       "Qualifications and work experience, each a credential of its own signed by the issuer."},
      {"issuer", is.profile},
      {"validFrom", options.now},
      {"credentialSubject",
       {{"type", json::array({"ClrSubject"})},
        {"identifier", json::array({IdentityObject(options.recipient_email)})},
        {"verifiableCredential", out.items}}}};
  ProofOptions o;
  o.created = options.now;
  LANTERN_ASSIGN_OR_RETURN(out.record, AddProof(record, is.key, o));
  give_back.keep = true;
  return out;
}

Status PassportIssuer::Save() {
  return WriteJson(PathIn(impl_->dir, "allocated.json"), impl_->is.allocated);
}

Result<IssuedPassport> IssuePassport(const StoreState& s, const QualCatalogue& catalogue,
                                     const std::string& upn, const std::string& issuer_dir,
                                     const IssueOptions& options) {
  LANTERN_ASSIGN_OR_RETURN(PassportIssuer issuer, PassportIssuer::Open(s, catalogue, issuer_dir));
  LANTERN_ASSIGN_OR_RETURN(IssuedPassport p, issuer.Issue(upn, options));
  // The places are recorded before the credentials leave.
  LANTERN_RETURN_IF_ERROR(issuer.Save());
  return p;
}

Status Revoke(const std::string& issuer_dir, const json& credential, const std::string& now) {
  if (sodium_init() < 0) return Status::Internal("libsodium could not start");
  LANTERN_ASSIGN_OR_RETURN(Issuer is, LoadIssuer(issuer_dir));
  if (IssuerId(credential) != Text(is.profile, "id")) {
    return Status::InvalidArgument("the credential was not issued by this issuer");
  }
  const json status = credential.is_object() && credential.contains("credentialStatus")
                          ? credential["credentialStatus"]
                          : json();
  const std::string index = Text(status, "statusListIndex");
  if (index.empty() || !is.allocated.contains(index) ||
      is.allocated[index] != Text(credential, "id")) {
    return Status::InvalidArgument(
        "the credential's place in the status list is not one this issuer gave it");
  }
  is.list.Set(static_cast<size_t>(std::stoull(index)), true);
  return SaveStatusList(is, now);
}

namespace {

// The checks of one credential (not the items inside a record).
// The status list the verifier gave, read once for all the credentials it
// is checked against: its signer (empty when its signature does not hold),
// what it says it is, and its bits (nullopt when they cannot be read).
struct ListSeen {
  bool given = false;
  std::string signer, id, purpose, date;
  std::optional<StatusList> bits;
};

ListSeen ReadStatusList(const VerifyOptions& o) {
  ListSeen seen;
  if (o.status_list == nullptr) return seen;
  const json& list = *o.status_list;
  seen.given = true;
  const ProofCheck proof = VerifyProof(list);
  if (proof.verified && IssuerId(list) == DidKey(proof.public_key)) seen.signer = IssuerId(list);
  const json subject =
      list.is_object() && list.contains("credentialSubject") ? list["credentialSubject"] : json();
  seen.id = Text(list, "id");
  seen.purpose = Text(subject, "statusPurpose");
  seen.date = Text(list, "validFrom");
  auto bits = StatusList::Decode(Text(subject, "encodedList"));
  if (bits.ok()) seen.bits = std::move(bits).value();
  return seen;
}

struct OneCheck {
  bool ok = true;
  std::string issuer;
};

OneCheck CheckCredential(const json& c, const std::string& label, const VerifyOptions& o,
                         const ListSeen& list, VerifyReport* report) {
  OneCheck r;
  auto problem = [&](const std::string& what) {
    r.ok = false;
    report->problems.push_back(label + ": " + what);
  };
  // What passed, said in one line for the credential.
  std::vector<std::string> passed;
  struct Said {
    VerifyReport* report;
    const std::string& label;
    std::vector<std::string>& passed;
    ~Said() {
      if (passed.empty()) return;
      std::string line = label + ": ";
      for (size_t i = 0; i < passed.size(); ++i) line += (i ? "; " : "") + passed[i];
      report->checks.push_back(line);
    }
  } said{report, label, passed};
  if (!c.is_object()) {
    problem("not a JSON object");
    return r;
  }
  const ProofCheck proof = VerifyProof(c);
  r.issuer = IssuerId(c);
  if (!proof.verified) {
    problem("the signature does not verify (" + proof.reason + ")");
  } else if (r.issuer != DidKey(proof.public_key)) {
    problem("signed with a key that is not the issuer's (" + r.issuer + ")");
  } else if (proof.proof_purpose != "assertionMethod") {
    problem("the proof's purpose is not assertionMethod");
  } else {
    passed.push_back("signature valid, by the issuer's key");
  }
  if (c.contains("@context") && c["@context"].is_array()) {
    for (const json& ctx : c["@context"]) {
      const std::string u = ctx.is_string() ? ctx.get<std::string>() : "";
      if (u != kVcContext && u != kObContext && u != kClrContext) {
        problem("an unknown @context (" + (u.empty() ? ctx.dump() : u) + ")");
      }
    }
  } else {
    problem("no @context");
  }
  // Validity: the times are compared as UTC "YYYY-MM-DDThh:mm:ssZ" texts.
  const auto plain = [](const std::string& t) { return t.size() == 20 && t.back() == 'Z'; };
  const std::string from = Text(c, "validFrom"), until = Text(c, "validUntil");
  if (!plain(from)) {
    problem("validFrom is missing or not a UTC time");
  } else if (from > o.now) {
    problem("not valid before " + from);
  } else if (!until.empty() && (!plain(until) || until < o.now)) {
    problem("not valid after " + until);
  }
  if (c.contains("credentialStatus")) {
    const json& st = c["credentialStatus"];
    const std::string index = Text(st, "statusListIndex");
    if (!list.given) {
      report->notes.push_back(label + ": revocation not checked: the issuer's status list " +
                              "(published at " + Text(st, "statusListCredential") +
                              ") was not given");
    } else if (list.signer.empty() || list.signer != r.issuer) {
      problem("the status list given is not signed by the credential's issuer");
    } else if (list.id != Text(st, "statusListCredential") ||
               list.purpose != Text(st, "statusPurpose")) {
      problem("the status list given is not the one the credential names");
    } else if (index.empty() || index.find_first_not_of("0123456789") != std::string::npos ||
               index.size() > 9) {
      problem("its statusListIndex is not a number");
    } else if (const size_t place = static_cast<size_t>(std::stoull(index));
               !list.bits || place >= list.bits->size()) {
      problem("the status list cannot be read at its place");
    } else if (list.bits->Get(place)) {
      problem("revoked by the issuer (status list of " + list.date + ")");
    } else {
      passed.push_back("not revoked (status list of " + list.date + ")");
    }
  }
  if (!o.recipient_email.empty()) {
    bool matched = false;
    const json subject = c.contains("credentialSubject") ? c["credentialSubject"] : json();
    if (subject.is_object() && subject.contains("identifier") && subject["identifier"].is_array()) {
      for (const json& id : subject["identifier"]) {
        if (Text(id, "identityType") != "emailAddress") continue;
        matched = matched ||
                  Text(id, "identityHash") == IdentityHash(o.recipient_email, Text(id, "salt"));
      }
    }
    if (matched) {
      passed.push_back("issued to " + NormalEmail(o.recipient_email));
    } else {
      problem("not issued to " + NormalEmail(o.recipient_email));
    }
  }
  return r;
}

ItemView ViewOf(const json& c, bool verified) {
  ItemView v;
  v.verified = verified;
  v.name = Text(c, "name");
  v.issuer = IssuerName(c);
  v.issuer_id = IssuerId(c);
  const json subject =
      c.is_object() && c.contains("credentialSubject") ? c["credentialSubject"] : json();
  v.term = Text(subject, "term");
  // A workplace experience: its dates.
  if (v.term.empty()) {
    // The date part of a date-time, or "" (never a cut through a character).
    auto day = [&](const char* key) {
      const std::string t = Text(subject, key);
      const bool date = t.size() >= 10 && std::all_of(t.begin(), t.begin() + 10, [](char ch) {
                          return (ch >= '0' && ch <= '9') || ch == '-';
                        });
      return date ? t.substr(0, 10) : std::string();
    };
    const std::string from = day("activityStartDate");
    const std::string to = day("activityEndDate");
    v.term = from.empty() || to.empty() || from == to ? from : from + " to " + to;
  }
  if (subject.is_object() && subject.contains("achievement")) {
    const json& a = subject["achievement"];
    if (v.name.empty()) v.name = Text(a, "name");
    v.achievement_type = Text(a, "achievementType");
    if (a.contains("alignment") && a["alignment"].is_array()) {
      for (const json& al : a["alignment"]) {
        if (Text(al, "targetType") == "ext:RQFLevel") v.level = Text(al, "targetName");
      }
    }
  }
  if (subject.is_object() && subject.contains("result") && subject["result"].is_array() &&
      !subject["result"].empty()) {
    v.grade = Text(subject["result"][0], "value");
  }
  return v;
}

}  // namespace

VerifyReport Verify(const json& doc, const VerifyOptions& o) {
  VerifyReport report;
  const ListSeen list = ReadStatusList(o);
  if (HasType(doc, "ClrCredential")) {
    CheckCredential(doc, "the record", o, list, &report);
    const json subject = doc.contains("credentialSubject") ? doc["credentialSubject"] : json();
    const json items = subject.is_object() && subject.contains("verifiableCredential")
                           ? subject["verifiableCredential"]
                           : json::array();
    if (!items.is_array() || items.empty()) {
      report.problems.push_back("the record holds no credential");
    }
    for (size_t i = 0; items.is_array() && i < items.size(); ++i) {
      const std::string label = fmt::format("item {} ({})", i + 1, Text(items[i], "name"));
      const OneCheck one = CheckCredential(items[i], label, o, list, &report);
      if (one.issuer != IssuerId(doc)) {
        report.notes.push_back(label + ": issued by " + one.issuer + ", not the record's issuer");
      }
      // Each item carries its own signature: it is verified on its own
      // checks, whatever happened to the record around it.
      report.items.push_back(ViewOf(items[i], one.ok));
    }
  } else if (HasType(doc, "OpenBadgeCredential") || HasType(doc, "AchievementCredential")) {
    const bool ok = CheckCredential(doc, "the credential", o, list, &report).ok;
    report.items.push_back(ViewOf(doc, ok));
  } else {
    report.problems.push_back(
        "not a skills passport: neither a ClrCredential nor an OpenBadgeCredential");
  }
  const std::string issuer = IssuerId(doc);
  if (!o.trusted_issuers.empty()) {
    const bool trusted = std::find(o.trusted_issuers.begin(), o.trusted_issuers.end(), issuer) !=
                         o.trusted_issuers.end();
    report.notes.push_back(trusted ? "the issuer " + issuer + " is on your trusted list"
                                   : "the issuer " + issuer +
                                         " is NOT on your trusted list: the signature shows the "
                                         "record is unchanged since that key signed it, not whose "
                                         "key it is");
  } else if (!issuer.empty()) {
    report.notes.push_back(
        "the issuer's key was not checked against a list of issuers you trust: the signature "
        "shows the record is unchanged since " +
        issuer + " signed it, not who holds that key");
  }
  report.valid = report.problems.empty();
  return report;
}

}  // namespace lantern::passport
