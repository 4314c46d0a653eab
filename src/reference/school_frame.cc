#include "reference/school_frame.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "common/csv_table.h"

namespace lantern {

SchoolPhase ParseSchoolType(std::string_view t) {
  if (t == "State-funded primary") return SchoolPhase::kPrimary;
  if (t == "State-funded secondary") return SchoolPhase::kSecondary;
  if (t == "State-funded special school") return SchoolPhase::kSpecial;
  if (t == "Pupil referral unit") return SchoolPhase::kPupilReferralUnit;
  if (t == "State-funded nursery") return SchoolPhase::kNursery;
  if (t == "Independent school") return SchoolPhase::kIndependent;
  if (t == "Non-maintained special school") return SchoolPhase::kNonMaintainedSpecial;
  return SchoolPhase::kOther;
}

std::string_view SchoolTypeName(SchoolPhase p) {
  switch (p) {
    case SchoolPhase::kPrimary:
      return "State-funded primary";
    case SchoolPhase::kSecondary:
      return "State-funded secondary";
    case SchoolPhase::kSpecial:
      return "State-funded special school";
    case SchoolPhase::kPupilReferralUnit:
      return "Pupil referral unit";
    case SchoolPhase::kNursery:
      return "State-funded nursery";
    case SchoolPhase::kIndependent:
      return "Independent school";
    case SchoolPhase::kNonMaintainedSpecial:
      return "Non-maintained special school";
    case SchoolPhase::kOther:
      return "Other";
  }
  return "Other";
}

bool IsStateFunded(SchoolPhase p) {
  return p == SchoolPhase::kPrimary || p == SchoolPhase::kSecondary || p == SchoolPhase::kSpecial ||
         p == SchoolPhase::kPupilReferralUnit || p == SchoolPhase::kNursery;
}

namespace {
std::optional<int> ParseInt(const std::string& s) {
  int v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// Reads column `name` of row r as a published number; no value if the
// column is absent or the cell holds a symbol.
struct Reader {
  const CsvTable& t;
  std::optional<double> operator()(size_t r, const char* name) const {
    int c = t.Column(name);
    if (c < 0) return std::nullopt;
    return ParsePublishedNumber(t.Cell(r, c));
  }
  std::string Text(size_t r, const char* name) const {
    int c = t.Column(name);
    return c < 0 ? std::string() : t.Cell(r, c);
  }
};
}  // namespace

Result<SchoolFrame> LoadSchoolFrame(const std::string& dir) {
  SchoolFrame frame;
  {
    LANTERN_ASSIGN_OR_RETURN(
        CsvTable census,
        CsvTable::Load(dir + "/perf_tables_2019_census_school/england_census.csv"));
    LANTERN_ASSIGN_OR_RETURN(int c_urn, census.RequireColumn("URN"));
    LANTERN_ASSIGN_OR_RETURN(int c_la, census.RequireColumn("LA"));
    LANTERN_ASSIGN_OR_RETURN(int c_estab, census.RequireColumn("ESTAB"));
    LANTERN_ASSIGN_OR_RETURN(int c_type, census.RequireColumn("SCHOOLTYPE"));
    Reader get{census};
    for (size_t r = 0; r < census.rows(); ++r) {
      auto urn = ParseInt(census.Cell(r, c_urn));
      if (!urn) continue;  // the NAT summary rows
      FrameSchool s;
      s.urn = *urn;
      s.la_code = ParseInt(census.Cell(r, c_la)).value_or(0);
      s.estab = ParseInt(census.Cell(r, c_estab)).value_or(0);
      s.phase = ParseSchoolType(census.Cell(r, c_type));
      s.nor = get(r, "NOR");
      s.girls = get(r, "NORG");
      s.boys = get(r, "NORB");
      s.ehcp = get(r, "TSENELSE");
      s.ehcp_pct = get(r, "PSENELSE");
      s.sen_support = get(r, "TSENELK");
      s.sen_support_pct = get(r, "PSENELK");
      s.eal = get(r, "NUMEAL");
      s.eal_pct = get(r, "PNUMEAL");
      s.fsm = get(r, "NUMFSM");
      s.fsm_ever6 = get(r, "NUMFSMEVER");
      s.fsm_ever6_pct = get(r, "PNUMFSMEVER");
      frame.schools.push_back(std::move(s));
    }
  }
  std::sort(frame.schools.begin(), frame.schools.end(),
            [](const FrameSchool& a, const FrameSchool& b) { return a.urn < b.urn; });
  for (size_t i = 0; i < frame.schools.size(); ++i) frame.by_urn[frame.schools[i].urn] = i;
  auto find = [&](const std::string& urn_text) -> FrameSchool* {
    auto urn = ParseInt(urn_text);
    if (!urn) return nullptr;
    auto it = frame.by_urn.find(*urn);
    return it == frame.by_urn.end() ? nullptr : &frame.schools[it->second];
  };

  if (auto abs = CsvTable::Load(dir + "/perf_tables_2019_absence_school/england_abs.csv");
      abs.ok()) {
    Reader get{*abs};
    int c_urn = abs->Column("URN"), c_la = abs->Column("LA"), c_estab = abs->Column("ESTAB");
    for (size_t r = 0; c_urn >= 0 && r < abs->rows(); ++r) {
      if (c_la >= 0 && abs->Cell(r, c_la) == "NAT") {
        auto o = get(r, "PERCTOT"), p = get(r, "PPERSABS10");
        if (o && p && c_estab >= 0) frame.national_absence[abs->Cell(r, c_estab)] = {*o, *p};
        continue;
      }
      if (FrameSchool* s = find(abs->Cell(r, c_urn))) {
        s->overall_absence_pct = get(r, "PERCTOT");
        s->persistent_absence_pct = get(r, "PPERSABS10");
      }
    }
  }

  if (auto ks4 = CsvTable::Load(
          dir + "/perf_tables_2019_ks4_provisional_school/england_ks4provisional.csv");
      ks4.ok()) {
    Reader get{*ks4};
    int c_urn = ks4->Column("URN");
    for (size_t r = 0; c_urn >= 0 && r < ks4->rows(); ++r) {
      FrameSchool* s = find(ks4->Cell(r, c_urn));
      if (s == nullptr) continue;
      if (s->name.empty()) s->name = get.Text(r, "SCHNAME");
      s->nftype = get.Text(r, "NFTYPE");
      s->ks4_pupils = get(r, "TPUP");
      s->att8 = get(r, "ATT8SCR");
      s->p8 = get(r, "P8MEA");
      s->p8_ci_low = get(r, "P8CILOW");
      s->p8_ci_high = get(r, "P8CIUPP");
      s->p8_pupils = get(r, "P8PUP");
      s->p8_orig = get(r, "P8MEA_ORIG");
      s->basics_94_pct = get(r, "PTL2BASICS_94");
      s->basics_95_pct = get(r, "PTL2BASICS_95");
      s->ebacc_entry_pct = get(r, "PTEBACC_E_PTQ_EE");
      s->ebacc_aps = get(r, "EBACCAPS");
    }
  }

  if (auto dest =
          CsvTable::Load(dir + "/perf_tables_ks4_destinations_school/england_ks4-pupdest.csv");
      dest.ok()) {
    Reader get{*dest};
    int c_urn = dest->Column("URN");
    for (size_t r = 0; c_urn >= 0 && r < dest->rows(); ++r) {
      FrameSchool* s = find(dest->Cell(r, c_urn));
      if (s == nullptr) continue;
      if (s->name.empty()) s->name = get.Text(r, "SCHNAME");
      if (s->nftype.empty()) s->nftype = get.Text(r, "NFTYPE");
      s->dest_cohort = get(r, "COHORT");
      s->dest_overall = get(r, "OVERALL_DEST");
      s->dest_education = get(r, "EDUCATION");
      s->dest_apprenticeship = get(r, "APPREN");
      s->dest_employment = get(r, "EMPLOYMENT");
      s->dest_not_sustained = get(r, "NOT_SUSTAINED");
      s->dest_unknown = get(r, "UNKNOWN");
      s->dest_fe = get(r, "FE");
      s->dest_school_sixth = get(r, "SCH_6TH");
      s->dest_sixth_college = get(r, "SIXTH_COL");
      s->dest_other_education = get(r, "OTHER_EDU");
      s->dest_cohort_dis = get(r, "COHORT_DIS");
      s->dest_overall_dis = get(r, "OVERALL_DEST_DIS");
      s->dest_cohort_nondis = get(r, "COHORT_NONDIS");
      s->dest_overall_nondis = get(r, "OVERALL_DEST_NONDIS");
    }
  }

  // GIAS links name the establishment at the other end of each link, which
  // gives names for many primaries the KS4 files do not cover.
  if (auto links = CsvTable::Load(dir + "/gias_links_2025/links_edubasealldata20250422.csv",
                                  TextEncoding::kWindows1252);
      links.ok()) {
    int c_link = links->Column("LinkURN"), c_name = links->Column("LinkName");
    for (size_t r = 0; c_link >= 0 && c_name >= 0 && r < links->rows(); ++r) {
      FrameSchool* s = find(links->Cell(r, c_link));
      if (s != nullptr && s->name.empty()) s->name = links->Cell(r, c_name);
    }
  }
  return frame;
}

}  // namespace lantern
