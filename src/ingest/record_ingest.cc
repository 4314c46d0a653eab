#include "ingest/record_ingest.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "ingest/for_each_row.h"
#include "ingest/row_check.h"
#include "ingest/voice_ingest.h"
#include "model/upn.h"
#include "store/table_ops.h"

namespace lantern {

namespace {

// Puts the one-row table `row` into `stored`: a new key is appended, a known
// key replaces the stored row unless it is identical, and a key already seen
// in this file is a duplicate. Returns the stored row, or kNoIndex.
template <typename Table>
class Upserter {
 public:
  Upserter(Table& stored, FileCounts& counts, std::vector<uint32_t>* changed_rows)
      : stored_(stored), counts_(counts), changed_rows_(changed_rows) {
    // With room for the rows the file adds, so the first does not copy it.
    touched_.reserve(stored.size() + stored.size() / 64 + 1024);
    touched_.assign(stored.size(), 0);
  }
  uint32_t Apply(uint32_t existing, const Table& row, RowCheck& check) {
    if (existing != kNoIndex && existing < touched_.size() && touched_[existing]) {
      check.FailRow("duplicate", "the same key appears earlier in this file");
      return kNoIndex;
    }
    return ApplyChecked(existing, row);
  }
  // Apply for a row whose key is known not to repeat in the file.
  uint32_t ApplyChecked(uint32_t existing, const Table& row) {
    if (existing == kNoIndex) {
      AppendRow(stored_, row, 0);
      touched_.push_back(1);
      ++counts_.inserted;
      changed_ = true;
      changed_rows_->push_back(static_cast<uint32_t>(stored_.size() - 1));
      return static_cast<uint32_t>(stored_.size() - 1);
    }
    touched_[existing] = 1;
    if (RowsEqual(stored_, existing, row, 0)) {
      ++counts_.unchanged;
    } else {
      AssignRow(stored_, existing, row, 0);
      ++counts_.updated;
      changed_ = true;
      changed_rows_->push_back(existing);
    }
    return existing;
  }
  bool changed() const { return changed_; }

 private:
  Table& stored_;
  FileCounts& counts_;
  std::vector<uint32_t>* changed_rows_;
  std::vector<uint8_t> touched_;
  bool changed_ = false;
};

template <typename Table>
void ClearRow(Table& t) {
  ForEachColumn<Table>([&](auto c) { (t.*c.member).clear(); });
}

int32_t DateOr(std::optional<Date> d, int32_t fallback) { return d ? d->days : fallback; }

// Checks that a date lies in the academic year (when it is known).
bool InYear(const IngestContext& ctx, Date d) { return !ctx.year || ctx.year->Contains(d); }

std::string YearText(const IngestContext& ctx) {
  return ctx.year ? ctx.year->Label() : std::string("the store's year");
}

// ---------------------------------------------------------------- LAs, trusts

void IngestLocalAuthorities(IngestContext& ctx, InputSource& src) {
  LocalAuthorityTable& stored = ctx.state().local_authorities;
  Upserter<LocalAuthorityTable> up(stored, src.counts,
                                   &ctx.changed_rows[TableId::kLocalAuthorities]);
  LocalAuthorityTable row;
  ForEachRow(src, [&](RowCheck& check) {
    ClearRow(row);
    auto code = check.LaCode(0);
    for (size_t c = 1; c < 5; ++c) check.RequiredPresent(c);
    if (!check.ok()) return;
    row.old_la_code.push_back(*code);
    row.new_la_code.emplace_back(check.Text(1));
    row.la_name.emplace_back(check.Text(2));
    row.region_code.emplace_back(check.Text(3));
    row.region_name.emplace_back(check.Text(4));
    uint32_t existing = kNoIndex;
    for (size_t i = 0; i < stored.size(); ++i) {
      if (stored.old_la_code[i] == *code) existing = static_cast<uint32_t>(i);
    }
    up.Apply(existing, row, check);
  });
  if (up.changed()) ctx.changed_tables.insert(TableId::kLocalAuthorities);
}

void IngestTrusts(IngestContext& ctx, InputSource& src) {
  TrustTable& stored = ctx.state().trusts;
  std::unordered_map<std::string, uint32_t> index;
  for (size_t i = 0; i < stored.size(); ++i) index[stored.trust_id[i]] = static_cast<uint32_t>(i);
  Upserter<TrustTable> up(stored, src.counts, &ctx.changed_rows[TableId::kTrusts]);
  TrustTable row;
  ForEachRow(src, [&](RowCheck& check) {
    ClearRow(row);
    check.RequiredPresent(0);
    check.RequiredPresent(1);
    uint8_t type = 0;
    if (std::string_view t = check.Text(2); !t.empty()) {
      if (EqualsIgnoreCase(t, "SAT"))
        type = 1;
      else if (!EqualsIgnoreCase(t, "MAT"))
        check.Fail(2, "code", "trust_type must be MAT or SAT");
    }
    if (!check.ok()) return;
    std::string id(check.Text(0));
    row.trust_id.push_back(id);
    row.trust_name.emplace_back(check.Text(1));
    row.trust_type.push_back(type);
    auto it = index.find(id);
    uint32_t r = up.Apply(it == index.end() ? kNoIndex : it->second, row, check);
    if (r != kNoIndex) index[id] = r;
  });
  if (up.changed()) ctx.changed_tables.insert(TableId::kTrusts);
}

// ---------------------------------------------------------------- schools

void IngestSchools(IngestContext& ctx, InputSource& src) {
  SchoolTable& stored = ctx.state().schools;
  const TrustTable& trusts = ctx.state().trusts;
  std::unordered_map<std::string, bool> trust_ids;
  for (const auto& id : trusts.trust_id) trust_ids[id] = true;
  Upserter<SchoolTable> up(stored, src.counts, &ctx.changed_rows[TableId::kSchools]);
  SchoolTable row;
  ForEachRow(src, [&](RowCheck& check) {
    ClearRow(row);
    auto urn = check.Urn(0);
    auto la = check.LaCode(1);
    auto estab = check.Integer(2, 1000, 9999, "estab");
    check.RequiredPresent(3);
    auto phase = check.Code(4, SchoolPhaseCodes());
    std::string trust(check.Text(6));
    if (!trust.empty() && !trust_ids.empty() && !trust_ids.count(trust)) {
      check.Fail(6, "unknown_trust", "trust_id is not in trusts.csv or the store");
    }
    auto open = check.DateField(8);
    auto close = check.DateField(9);
    if (open && close && *close < *open) check.Fail(9, "date", "close_date is before open_date");
    if (!check.ok()) return;
    row.urn.push_back(*urn);
    row.la_code.push_back(*la);
    row.estab.push_back(static_cast<int16_t>(*estab));
    row.phase.push_back(static_cast<uint8_t>(*phase));
    row.name.emplace_back(check.Text(3));
    row.type.emplace_back(check.Text(5));
    row.trust_id.push_back(trust);
    row.postcode.emplace_back(check.Text(7));
    row.open_date.push_back(DateOr(open, kNoDate));
    row.close_date.push_back(DateOr(close, kNoDate));
    uint32_t r = up.Apply(ctx.SchoolRow(*urn), row, check);
    if (r != kNoIndex) ctx.NoteSchool(*urn, r);
  });
  if (up.changed()) ctx.changed_tables.insert(TableId::kSchools);
}

// ---------------------------------------------------------------- pupils

uint32_t PackEthnicity(std::string_view t) {
  uint32_t v = 0;
  for (size_t i = 0; i < t.size() && i < 4; ++i) {
    char c = t[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    v |= static_cast<uint32_t>(static_cast<unsigned char>(c)) << (8 * i);
  }
  return v;
}

void IngestPupils(IngestContext& ctx, InputSource& src) {
  PupilTable& stored = ctx.state().pupils;
  Upserter<PupilTable> up(stored, src.counts, &ctx.changed_rows[TableId::kPupils]);
  PupilTable row;
  ForEachRow(src, [&](RowCheck& check) {
    ClearRow(row);
    auto upn = check.Upn(0);
    auto birth = check.DateField(1);
    auto sex = check.Code(2, SexCodes());
    auto fsm = check.YesNo(3);
    auto dis = check.YesNo(4);
    auto sen = check.Code(5, SenProvisionCodes());
    auto need = check.Code(6, SenNeedCodes());
    auto eal = check.YesNo(7);
    auto lac = check.YesNo(8);
    auto home = check.LaCode(9);
    std::optional<YearGroup> year_group;
    if (check.RequiredPresent(10)) {
      year_group = ParseYearGroup(check.Text(10));
      if (!year_group) check.Fail(10, "code", "year_group must be N1, N2, R, 1-14 or X");
    }
    std::string_view eth = check.Text(11);
    if (eth.size() > 4) check.Fail(11, "code", "ethnicity must be a CBDS code of up to 4 letters");
    auto ks2r = check.Integer(12, 80, 120, "consistency");
    auto ks2m = check.Integer(13, 80, 120, "consistency");
    if (birth && ctx.year) {
      int age = ctx.year->AgeAtStart(*birth);
      if (age < 2 || age > 25) {
        check.Fail(
            1, "date",
            fmt::format("birth date gives age {} at the start of {}", age, ctx.year->Label()));
      }
    }
    if (sen && need && *sen == SenProvision::kNone) {
      check.Fail(6, "consistency", "sen_primary_need is given but sen_provision is N");
    }
    if (fsm && dis && *fsm && !*dis) {
      check.Fail(4, "consistency", "a pupil eligible for FSM now is disadvantaged (FSM ever 6)");
    }
    if (!check.ok()) return;
    row.upn.push_back(*upn);
    row.birth_date.push_back(birth->days);
    row.sex.push_back(static_cast<uint8_t>(*sex));
    row.fsm.push_back(*fsm);
    row.disadvantaged.push_back(*dis);
    row.sen_provision.push_back(static_cast<uint8_t>(*sen));
    row.sen_need.push_back(static_cast<uint8_t>(need.value_or(SenNeed::kNone)));
    row.eal.push_back(*eal);
    row.looked_after.push_back(*lac);
    row.home_la.push_back(*home);
    row.year_group.push_back(*year_group);
    row.ethnicity.push_back(PackEthnicity(eth));
    row.ks2_reading.push_back(static_cast<uint8_t>(ks2r.value_or(0)));
    row.ks2_maths.push_back(static_cast<uint8_t>(ks2m.value_or(0)));
    uint32_t existing = ctx.PupilRow(*upn);
    uint32_t r = up.Apply(existing, row, check);
    if (r != kNoIndex && existing == kNoIndex) ctx.NotePupil(*upn, r);
  });
  if (up.changed()) ctx.changed_tables.insert(TableId::kPupils);
}

// Resolves the upn and urn columns to stored rows, failing the row with
// unknown_pupil / unknown_school when they are not stored.
struct PupilSchool {
  uint32_t pupil = kNoIndex;
  uint32_t school = kNoIndex;
};
PupilSchool ResolvePupilSchool(IngestContext& ctx, RowCheck& check, size_t upn_col,
                               size_t urn_col) {
  PupilSchool ps;
  auto upn = check.Upn(upn_col);
  auto urn = check.Urn(urn_col);
  if (upn) {
    ps.pupil = ctx.PupilRow(*upn);
    if (ps.pupil == kNoIndex) {
      check.Fail(upn_col, "unknown_pupil", "no pupil with this UPN in pupils.csv or the store");
    }
  }
  if (urn) {
    ps.school = ctx.SchoolRow(*urn);
    if (ps.school == kNoIndex) {
      check.Fail(urn_col, "unknown_school", "no school with this URN in schools.csv or the store");
    }
  }
  return ps;
}

// ---------------------------------------------------------------- enrolments

bool IsRegistration(uint8_t status) {
  auto s = static_cast<EnrolStatus>(status);
  return s == EnrolStatus::kCurrent || s == EnrolStatus::kMain;
}

// One enrolments.csv row that passed its own checks, waiting for the checks
// that relate it to other rows (overlapping registrations), which must see
// the batch's final state whatever the row order.
struct PendingEnrolment {
  uint64_t line;
  std::string_view raw;  // into the mapped input, alive for the whole ingest
  uint32_t pupil, school;
  int32_t from, to;
  uint32_t existing;  // the stored row with this key, or kNoIndex
  uint8_t reason, status;
  bool boarder;
  bool rejected = false;
  std::string overlap_reason;
};

bool Overlaps(int32_t from_a, int32_t to_a, int32_t from_b, int32_t to_b) {
  return from_a <= to_b && from_b <= to_a;
}

std::string OverlapReason(const IngestContext& ctx, uint32_t school, int32_t from, int32_t to) {
  const SchoolTable& schools = ctx.state().schools;
  return fmt::format(
      "this registration overlaps another current or main registration of the same pupil "
      "(URN {}, {} to {}) once the whole file is applied",
      schools.urn[school], FormatIsoDate(Date{from}),
      to == kNoDate ? std::string("still on roll") : FormatIsoDate(Date{to}));
}

// Rejects, among the pending rows of one pupil (`rows`, indexes into
// `pending`), every current or main registration that overlaps another in
// the state the batch would leave: the stored rows the batch does not
// replace and the batch's accepted rows. A row overlapping a stored row is
// rejected; two batch rows overlapping each other are both rejected (the
// file cannot say which is right). Rejecting a replacement brings the
// stored row back, so this repeats until nothing changes; the outcome
// depends on the set of rows, not their order.
void RejectOverlaps(const IngestContext& ctx, std::vector<PendingEnrolment>& pending,
                    const std::vector<uint32_t>& rows) {
  const EnrolmentTable& stored = ctx.state().enrolments;
  const uint32_t pupil = pending[rows.front()].pupil;
  for (bool changed = true; changed;) {
    changed = false;
    std::vector<uint32_t> fresh;  // pending rows rejected in this round
    for (uint32_t i : rows) {
      PendingEnrolment& p = pending[i];
      if (p.rejected || !IsRegistration(p.status)) continue;
      auto replaced = [&](uint32_t s) {
        for (uint32_t j : rows) {
          if (!pending[j].rejected && pending[j].existing == s) return true;
        }
        return false;
      };
      for (uint32_t s = ctx.FirstEnrolment(pupil); s != kNoIndex; s = ctx.NextEnrolment(s)) {
        if (s == p.existing || replaced(s) || !IsRegistration(stored.status[s])) continue;
        if (Overlaps(p.from, p.to, stored.entry_date[s], stored.leaving_date[s])) {
          p.overlap_reason =
              OverlapReason(ctx, stored.school[s], stored.entry_date[s], stored.leaving_date[s]);
          fresh.push_back(i);
          break;
        }
      }
      for (uint32_t j : rows) {
        const PendingEnrolment& q = pending[j];
        if (j == i || q.rejected || !IsRegistration(q.status)) continue;
        if (p.from >= q.from && Overlaps(p.from, p.to, q.from, q.to)) {
          if (p.overlap_reason.empty())
            p.overlap_reason = OverlapReason(ctx, q.school, q.from, q.to);
          fresh.push_back(i);
          break;
        }
      }
    }
    for (uint32_t i : fresh) {
      if (!pending[i].rejected) changed = true;
      pending[i].rejected = true;
    }
  }
}

void IngestEnrolments(IngestContext& ctx, InputSource& src) {
  EnrolmentTable& stored = ctx.state().enrolments;
  // First pass: each row on its own, and duplicate keys within the file.
  std::vector<PendingEnrolment> pending;
  std::set<std::tuple<uint32_t, uint32_t, int32_t>> keys_seen;
  ForEachRow(src, [&](RowCheck& check) {
    PupilSchool ps = ResolvePupilSchool(ctx, check, 0, 1);
    auto entry = check.DateField(2);
    auto leaving = check.DateField(3);
    auto reason = check.Code(4, LeavingReasonCodes());
    auto status = check.Code(5, EnrolStatusCodes());
    auto boarder = check.YesNo(6);
    if (entry && leaving && *leaving < *entry) {
      check.Fail(3, "date", "leaving_date is before entry_date");
    }
    if (entry && ctx.year &&
        (entry->days < ctx.year->FirstDay().days - 366 * 20 ||
         entry->days > ctx.year->LastDay().days)) {
      check.Fail(
          2, "date",
          fmt::format("entry_date is after the end of {} or implausibly early", YearText(ctx)));
    }
    if (reason && !leaving)
      check.Fail(4, "consistency", "leaving_reason given without leaving_date");
    if (!check.ok()) return;
    const int32_t from = entry->days;
    if (!keys_seen.emplace(ps.pupil, ps.school, from).second) {
      check.FailRow("duplicate", "the same key appears earlier in this file");
      return;
    }
    uint32_t existing = kNoIndex;
    for (uint32_t s = ctx.FirstEnrolment(ps.pupil); s != kNoIndex; s = ctx.NextEnrolment(s)) {
      if (stored.school[s] == ps.school && stored.entry_date[s] == from) existing = s;
    }
    pending.push_back(PendingEnrolment{check.line(),
                                       check.raw(),
                                       ps.pupil,
                                       ps.school,
                                       from,
                                       DateOr(leaving, kNoDate),
                                       existing,
                                       static_cast<uint8_t>(reason.value_or(LeavingReason::kNone)),
                                       static_cast<uint8_t>(*status),
                                       boarder.value_or(false),
                                       false,
                                       {}});
  });

  // Second pass: overlaps, pupil by pupil, against the batch's final state.
  std::vector<uint32_t> by_pupil(pending.size());
  for (uint32_t i = 0; i < by_pupil.size(); ++i) by_pupil[i] = i;
  std::stable_sort(by_pupil.begin(), by_pupil.end(),
                   [&](uint32_t a, uint32_t b) { return pending[a].pupil < pending[b].pupil; });
  std::vector<uint32_t> rows;
  for (size_t i = 0; i < by_pupil.size();) {
    size_t j = i;
    rows.clear();
    while (j < by_pupil.size() && pending[by_pupil[j]].pupil == pending[by_pupil[i]].pupil) {
      rows.push_back(by_pupil[j++]);
    }
    RejectOverlaps(ctx, pending, rows);
    i = j;
  }

  // Third pass: the accepted rows, in file order.
  Upserter<EnrolmentTable> up(stored, src.counts, &ctx.changed_rows[TableId::kEnrolments]);
  EnrolmentTable row;
  bool late_rejects = false;
  for (const PendingEnrolment& p : pending) {
    if (p.rejected) {
      src.rejects.Add(p.line, "", "", "overlap", p.overlap_reason, p.raw);
      ++src.counts.rejected;
      late_rejects = true;
      continue;
    }
    ClearRow(row);
    row.pupil.push_back(p.pupil);
    row.school.push_back(p.school);
    row.entry_date.push_back(p.from);
    row.leaving_date.push_back(p.to);
    row.leaving_reason.push_back(p.reason);
    row.status.push_back(p.status);
    row.boarder.push_back(p.boarder);
    uint32_t r = up.ApplyChecked(p.existing, row);
    if (p.existing == kNoIndex) ctx.NoteEnrolment(r);
  }
  if (late_rejects) src.rejects.SortByLine();
  if (up.changed()) ctx.changed_tables.insert(TableId::kEnrolments);
}

// ---------------------------------------------------------------- suspensions

void IngestSuspensions(IngestContext& ctx, InputSource& src) {
  SuspensionTable& stored = ctx.state().suspensions;
  std::map<std::tuple<uint32_t, uint32_t, int32_t, uint8_t>, uint32_t> index;
  for (size_t i = 0; i < stored.size(); ++i) {
    index[{stored.pupil[i], stored.school[i], stored.start_date[i], stored.category[i]}] =
        static_cast<uint32_t>(i);
  }
  Upserter<SuspensionTable> up(stored, src.counts, &ctx.changed_rows[TableId::kSuspensions]);
  SuspensionTable row;
  ForEachRow(src, [&](RowCheck& check) {
    ClearRow(row);
    PupilSchool ps = ResolvePupilSchool(ctx, check, 0, 1);
    auto start = check.DateField(2);
    auto category = check.Code(3, SuspensionCategoryCodes());
    const bool pex = category == SuspensionCategory::kPermanentExclusion;
    auto sessions = check.Integer(4, 1, pex ? 999 : 90, "sessions");
    ExclusionReason reasons[3] = {ExclusionReason::kNone, ExclusionReason::kNone,
                                  ExclusionReason::kNone};
    for (size_t k = 0; k < 3; ++k) {
      auto r = check.Code(5 + k, ExclusionReasonCodes());
      if (r == ExclusionReason::kSupport) {
        check.Fail(5 + k, "code", "'support' is for internal units, not exclusions");
      } else if (r) {
        reasons[k] = *r;
      }
    }
    auto outcome = check.Code(8, ExclusionOutcomeCodes());
    if (start && !InYear(ctx, *start)) {
      check.Fail(2, "date", fmt::format("start_date is outside {}", YearText(ctx)));
    }
    if (check.ok() && ctx.EnrolmentOn(ps.pupil, ps.school, start->days) == kNoIndex) {
      check.FailRow("no_enrolment", "the pupil was not on this school's roll on start_date");
    }
    if (!check.ok()) return;
    row.pupil.push_back(ps.pupil);
    row.school.push_back(ps.school);
    row.start_date.push_back(start->days);
    row.category.push_back(static_cast<uint8_t>(*category));
    row.sessions.push_back(static_cast<uint16_t>(*sessions));
    row.reason1.push_back(static_cast<uint8_t>(reasons[0]));
    row.reason2.push_back(static_cast<uint8_t>(reasons[1]));
    row.reason3.push_back(static_cast<uint8_t>(reasons[2]));
    row.outcome.push_back(static_cast<uint8_t>(outcome.value_or(ExclusionOutcome::kUpheld)));
    auto key = std::make_tuple(ps.pupil, ps.school, start->days, row.category[0]);
    auto it = index.find(key);
    uint32_t r = up.Apply(it == index.end() ? kNoIndex : it->second, row, check);
    if (r != kNoIndex) index[key] = r;
  });
  if (up.changed()) ctx.changed_tables.insert(TableId::kSuspensions);
}

// Start/end dates of a spell: end not before start, and the spell must
// overlap the academic year.
void CheckSpell(IngestContext& ctx, RowCheck& check, size_t start_col, size_t end_col,
                std::optional<Date> start, std::optional<Date> end) {
  if (start && end && *end < *start) check.Fail(end_col, "date", "end_date is before start_date");
  if (ctx.year && start && *start > ctx.year->LastDay()) {
    check.Fail(start_col, "date", fmt::format("start_date is after the end of {}", YearText(ctx)));
  }
  if (ctx.year && end && *end < ctx.year->FirstDay()) {
    check.Fail(end_col, "date", fmt::format("end_date is before the start of {}", YearText(ctx)));
  }
}

// ---------------------------------------------------------------- AP

void IngestApPlacements(IngestContext& ctx, InputSource& src) {
  ApPlacementTable& stored = ctx.state().ap_placements;
  std::map<std::tuple<uint32_t, std::string, int32_t>, uint32_t> index;
  for (size_t i = 0; i < stored.size(); ++i) {
    index[{stored.pupil[i], stored.provider_id[i], stored.start_date[i]}] =
        static_cast<uint32_t>(i);
  }
  Upserter<ApPlacementTable> up(stored, src.counts, &ctx.changed_rows[TableId::kApPlacements]);
  ApPlacementTable row;
  ForEachRow(src, [&](RowCheck& check) {
    ClearRow(row);
    PupilSchool ps = ResolvePupilSchool(ctx, check, 0, 1);
    check.RequiredPresent(2);
    auto setting = check.Code(4, ApSettingCodes());
    auto setting_type = check.Code(5, ApSettingTypeCodes());
    auto basis = check.Code(6, ApBasisCodes());
    auto hours = check.Number(7, 0.5, 40, "hours");
    auto reason = check.Code(8, ApReasonCodes());
    auto start = check.DateField(9);
    auto end = check.DateField(10);
    auto plan = check.YesNo(11);
    auto outcome = check.Code(12, PlacementOutcomeCodes());
    CheckSpell(ctx, check, 9, 10, start, end);
    if (check.ok()) {
      // A placement that began in an earlier year is checked on the first day
      // of this one: the store holds this year's roll.
      int32_t on = start->days;
      if (ctx.year) on = std::max(on, ctx.year->FirstDay().days);
      if (ctx.EnrolmentOn(ps.pupil, ps.school, on) == kNoIndex) {
        check.FailRow("no_enrolment",
                      "the pupil was not on the commissioning school's roll when the placement "
                      "started");
      }
    }
    if (!check.ok()) return;
    std::string provider(check.Text(2));
    row.pupil.push_back(ps.pupil);
    row.commissioner.push_back(ps.school);
    row.provider_id.push_back(provider);
    row.provider_name.emplace_back(check.Text(3));
    row.setting.push_back(static_cast<uint8_t>(*setting));
    row.setting_type.push_back(
        static_cast<uint8_t>(setting_type.value_or(ApSettingType::kUnknown)));
    row.basis.push_back(static_cast<uint8_t>(basis.value_or(ApBasis::kSchoolArranged)));
    row.hours_per_week.push_back(static_cast<float>(*hours));
    row.reason.push_back(static_cast<uint8_t>(*reason));
    row.start_date.push_back(start->days);
    row.end_date.push_back(DateOr(end, kNoDate));
    row.reintegration_plan.push_back(*plan);
    row.outcome.push_back(static_cast<uint8_t>(outcome.value_or(PlacementOutcome::kNone)));
    auto key = std::make_tuple(ps.pupil, provider, start->days);
    auto it = index.find(key);
    uint32_t r = up.Apply(it == index.end() ? kNoIndex : it->second, row, check);
    if (r != kNoIndex) index[key] = r;
  });
  if (up.changed()) ctx.changed_tables.insert(TableId::kApPlacements);
}

// ---------------------------------------------------------------- units

void IngestInternalUnits(IngestContext& ctx, InputSource& src) {
  InternalUnitTable& stored = ctx.state().internal_units;
  std::map<std::tuple<uint32_t, uint32_t, uint8_t, int32_t>, uint32_t> index;
  for (size_t i = 0; i < stored.size(); ++i) {
    index[{stored.pupil[i], stored.school[i], stored.unit[i], stored.start_date[i]}] =
        static_cast<uint32_t>(i);
  }
  Upserter<InternalUnitTable> up(stored, src.counts, &ctx.changed_rows[TableId::kInternalUnits]);
  InternalUnitTable row;
  ForEachRow(src, [&](RowCheck& check) {
    ClearRow(row);
    PupilSchool ps = ResolvePupilSchool(ctx, check, 0, 1);
    auto unit = check.Code(2, UnitKindCodes());
    auto start = check.DateField(3);
    auto end = check.DateField(4);
    auto sessions = check.Integer(5, 1, 999, "sessions");
    auto reason = check.Code(6, ExclusionReasonCodes());
    auto plan = check.YesNo(7);
    auto outcome = check.Code(8, PlacementOutcomeCodes());
    CheckSpell(ctx, check, 3, 4, start, end);
    if (check.ok() && ctx.EnrolmentOn(ps.pupil, ps.school, start->days) == kNoIndex) {
      check.FailRow("no_enrolment", "the pupil was not on this school's roll on start_date");
    }
    if (!check.ok()) return;
    row.pupil.push_back(ps.pupil);
    row.school.push_back(ps.school);
    row.unit.push_back(static_cast<uint8_t>(*unit));
    row.start_date.push_back(start->days);
    row.end_date.push_back(DateOr(end, kNoDate));
    row.sessions.push_back(static_cast<uint16_t>(*sessions));
    row.reason.push_back(static_cast<uint8_t>(reason.value_or(ExclusionReason::kNone)));
    row.reintegration_plan.push_back(*plan);
    row.outcome.push_back(static_cast<uint8_t>(outcome.value_or(PlacementOutcome::kNone)));
    auto key = std::make_tuple(ps.pupil, ps.school, row.unit[0], start->days);
    auto it = index.find(key);
    uint32_t r = up.Apply(it == index.end() ? kNoIndex : it->second, row, check);
    if (r != kNoIndex) index[key] = r;
  });
  if (up.changed()) ctx.changed_tables.insert(TableId::kInternalUnits);
}

// ---------------------------------------------------------------- EHC requests

void IngestEhcpRequests(IngestContext& ctx, InputSource& src) {
  EhcpRequestTable& stored = ctx.state().ehcp_requests;
  std::map<std::tuple<uint32_t, int16_t, int32_t>, uint32_t> index;
  for (size_t i = 0; i < stored.size(); ++i) {
    index[{stored.pupil[i], stored.la[i], stored.request_date[i]}] = static_cast<uint32_t>(i);
  }
  Upserter<EhcpRequestTable> up(stored, src.counts, &ctx.changed_rows[TableId::kEhcpRequests]);
  EhcpRequestTable row;
  ForEachRow(src, [&](RowCheck& check) {
    ClearRow(row);
    uint32_t pupil = kNoIndex;
    if (auto upn = check.Upn(0)) {
      pupil = ctx.PupilRow(*upn);
      if (pupil == kNoIndex) {
        check.Fail(0, "unknown_pupil", "no pupil with this UPN in pupils.csv or the store");
      }
    }
    auto la = check.LaCode(1);
    auto requested = check.DateField(2);
    auto decided = check.DateField(3);
    EhcpDecision decision = EhcpDecision::kNone;
    if (std::string_view t = check.Text(4); !t.empty()) {
      if (EqualsIgnoreCase(t, "assess")) {
        decision = EhcpDecision::kAssess;
      } else if (EqualsIgnoreCase(t, "refuse")) {
        decision = EhcpDecision::kRefuse;
      } else if (EqualsIgnoreCase(t, "no_plan")) {
        decision = EhcpDecision::kNoPlan;
      } else {
        check.Fail(4, "code",
                   "decision must be assess, refuse or no_plan (or empty while undecided)");
      }
    }
    auto issued = check.DateField(5);
    std::optional<bool> exception;
    if (!check.Text(6).empty()) exception = check.YesNo(6);
    const std::string_view exception_reason = check.Text(7);
    if (decided && decision == EhcpDecision::kNone && check.Text(4).empty()) {
      check.Fail(4, "consistency", "decision_date is given but decision is empty");
    }
    if (!decided && decision != EhcpDecision::kNone) {
      check.Fail(3, "consistency", "a decision is given without decision_date");
    }
    if (requested && decided && *decided < *requested) {
      check.Fail(3, "date", "decision_date is before request_date");
    }
    if (issued && decision != EhcpDecision::kAssess && check.Text(4).size() > 0) {
      check.Fail(5, "consistency",
                 decision == EhcpDecision::kNoPlan
                     ? "a plan was issued but the decision was not to issue one (no_plan)"
                     : "a plan was issued but the decision was not to assess");
    } else if (issued && !decided) {
      check.Fail(5, "consistency", "plan_issued_date is given without a decision to assess");
    }
    if (issued && decided && *issued < *decided) {
      check.Fail(5, "date", "plan_issued_date is before decision_date");
    }
    if (exception.value_or(false) && exception_reason.empty()) {
      check.Fail(7, "required", "exception is Y but exception_reason is empty");
    }
    if (!exception.value_or(false) && !exception_reason.empty()) {
      check.Fail(7, "consistency", "exception_reason is given but exception is not Y");
    }
    if (requested && ctx.year && *requested > ctx.year->LastDay()) {
      check.Fail(2, "date", fmt::format("request_date is after the end of {}", YearText(ctx)));
    }
    if (!check.ok()) return;
    row.pupil.push_back(pupil);
    row.la.push_back(*la);
    row.request_date.push_back(requested->days);
    row.decision_date.push_back(DateOr(decided, kNoDate));
    row.decision.push_back(static_cast<uint8_t>(decision));
    row.plan_issued_date.push_back(DateOr(issued, kNoDate));
    row.exception.push_back(exception.value_or(false));
    row.exception_reason.emplace_back(exception_reason);
    auto key = std::make_tuple(pupil, *la, requested->days);
    auto it = index.find(key);
    uint32_t r = up.Apply(it == index.end() ? kNoIndex : it->second, row, check);
    if (r != kNoIndex) index[key] = r;
  });
  if (up.changed()) ctx.changed_tables.insert(TableId::kEhcpRequests);
}

// ---------------------------------------------------------------- KS4 measures

// "2019-06" as 201906; nullopt when not a year and month.
std::optional<int32_t> ParseYearMonth(std::string_view t) {
  if (t.size() != 7 || t[4] != '-') return std::nullopt;
  int32_t y = 0, m = 0;
  for (size_t i = 0; i < 4; ++i) {
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
    y = y * 10 + (t[i] - '0');
  }
  for (size_t i = 5; i < 7; ++i) {
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
    m = m * 10 + (t[i] - '0');
  }
  if (m < 1 || m > 12 || y < 1990 || y > 2100) return std::nullopt;
  return y * 100 + m;
}

std::optional<AcademicYear> YearColumn(RowCheck& check, size_t c, int earliest) {
  if (!check.RequiredPresent(c)) return std::nullopt;
  auto y = AcademicYear::Parse(check.Text(c));
  if (!y || y->start_year() < earliest || y->start_year() > 2100) {
    check.Fail(c, "year",
               earliest > 2000
                   ? fmt::format("not an academic year from {}/{} on (202324 or 2023/24)", earliest,
                                 (earliest + 1) % 100)
                   : std::string("not an academic year (202324 or 2023/24)"));
    return std::nullopt;
  }
  return y;
}

void IngestKs2Results(IngestContext& ctx, InputSource& src) {
  Ks2ResultTable& stored = ctx.state().ks2_results;
  std::unordered_map<uint32_t, uint32_t> index;
  for (size_t i = 0; i < stored.size(); ++i) index[stored.pupil[i]] = static_cast<uint32_t>(i);
  Upserter<Ks2ResultTable> up(stored, src.counts, &ctx.changed_rows[TableId::kKs2Results]);
  Ks2ResultTable row;
  ForEachRow(src, [&](RowCheck& check) {
    ClearRow(row);
    uint32_t pupil = kNoIndex;
    if (auto upn = check.Upn(0)) {
      pupil = ctx.PupilRow(*upn);
      if (pupil == kNoIndex) {
        check.Fail(0, "unknown_pupil", "no pupil with this UPN in pupils.csv or the store");
      }
    }
    // Scaled scores start with the 2016 tests; earlier results must be sent
    // on that scale (docs/input-schema.md).
    auto year = YearColumn(check, 1, 2000);
    uint8_t scores[2] = {0, 0};
    Ks2Status statuses[2] = {Ks2Status::kTested, Ks2Status::kTested};
    for (size_t k = 0; k < 2; ++k) {
      const size_t score_col = 2 + k, status_col = 4 + k;
      std::optional<int64_t> score;
      if (!check.Text(score_col).empty()) {
        score = check.Integer(score_col, 80, 120, "consistency");
      }
      auto status = check.Code(status_col, Ks2StatusCodes());
      if (!status) {
        // No status: tested when a score is given, not taken when not.
        if (check.Text(status_col).empty()) {
          statuses[k] = check.Text(score_col).empty() ? Ks2Status::kNotTaken : Ks2Status::kTested;
        }
      } else {
        statuses[k] = *status;
      }
      if (statuses[k] == Ks2Status::kTested && check.Text(score_col).empty()) {
        check.Fail(status_col, "consistency", "status tested needs a scaled score");
      }
      if (statuses[k] != Ks2Status::kTested && !check.Text(score_col).empty()) {
        check.Fail(score_col, "consistency",
                   "a scaled score is given only with status tested (a nominal score comes from "
                   "the policy)");
      }
      if (score) scores[k] = static_cast<uint8_t>(*score);
    }
    if (!check.ok()) return;
    row.pupil.push_back(pupil);
    row.ks2_year.push_back(static_cast<int16_t>(year->start_year()));
    row.read_scaled.push_back(scores[0]);
    row.mat_scaled.push_back(scores[1]);
    row.read_status.push_back(static_cast<uint8_t>(statuses[0]));
    row.mat_status.push_back(static_cast<uint8_t>(statuses[1]));
    auto it = index.find(pupil);
    uint32_t r = up.Apply(it == index.end() ? kNoIndex : it->second, row, check);
    if (r != kNoIndex) index[pupil] = r;
  });
  if (up.changed()) ctx.changed_tables.insert(TableId::kKs2Results);
}

void IngestKs4Results(IngestContext& ctx, InputSource& src) {
  Ks4ResultTable& stored = ctx.state().ks4_results;
  std::map<std::tuple<uint32_t, std::string, int32_t>, uint32_t> index;
  // The school and year of each pupil's KS4 results: one per pupil and year.
  std::map<std::pair<uint32_t, int16_t>, uint32_t> school_of;
  for (size_t i = 0; i < stored.size(); ++i) {
    index[{stored.pupil[i], stored.qual_id[i], stored.exam_series[i]}] = static_cast<uint32_t>(i);
    school_of[{stored.pupil[i], stored.ks4_year[i]}] = stored.school[i];
  }
  Upserter<Ks4ResultTable> up(stored, src.counts, &ctx.changed_rows[TableId::kKs4Results]);
  Ks4ResultTable row;
  ForEachRow(src, [&](RowCheck& check) {
    ClearRow(row);
    PupilSchool ps = ResolvePupilSchool(ctx, check, 0, 1);
    auto year = YearColumn(check, 2, 2000);
    int q = -1;
    if (check.RequiredPresent(3)) {
      q = ctx.catalogue == nullptr ? -1 : ctx.catalogue->Find(check.Text(3));
      if (q < 0) {
        check.Fail(3, "qualification",
                   "not a qual_id of the qualification catalogue (catalogue/qualifications.csv)");
      }
    }
    if (check.RequiredPresent(4) && q >= 0 && check.Text(4) != "X" &&
        !ctx.catalogue->Points(q, check.Text(4))) {
      check.Fail(4, "grade",
                 fmt::format("not a grade of the point scale '{}' (catalogue/point_scales.csv)",
                             ctx.catalogue->qualifications()[static_cast<size_t>(q)].point_scale));
    }
    std::optional<int32_t> series;
    if (check.RequiredPresent(5)) {
      series = ParseYearMonth(check.Text(5));
      if (!series) {
        check.Fail(5, "date", "exam_series must be a year and month, 2019-06");
      } else if (year && *series > (year->start_year() + 1) * 100 + 8) {
        check.Fail(5, "date", "the series is after the summer the KS4 year ends");
      }
    }
    if (check.ok()) {
      auto it = school_of.find({ps.pupil, static_cast<int16_t>(year->start_year())});
      if (it != school_of.end() && it->second != ps.school) {
        check.Fail(1, "consistency",
                   "the pupil's other results this KS4 year are at another school");
      }
    }
    if (!check.ok()) return;
    row.pupil.push_back(ps.pupil);
    row.school.push_back(ps.school);
    row.ks4_year.push_back(static_cast<int16_t>(year->start_year()));
    row.qual_id.emplace_back(check.Text(3));
    row.grade.emplace_back(check.Text(4));
    row.exam_series.push_back(*series);
    auto key = std::make_tuple(ps.pupil, row.qual_id[0], *series);
    auto it = index.find(key);
    uint32_t r = up.Apply(it == index.end() ? kNoIndex : it->second, row, check);
    if (r != kNoIndex) {
      index[key] = r;
      school_of[{ps.pupil, row.ks4_year[0]}] = ps.school;
    }
  });
  if (up.changed()) ctx.changed_tables.insert(TableId::kKs4Results);
}

void IngestDestinations(IngestContext& ctx, InputSource& src) {
  DestinationTable& stored = ctx.state().destinations;
  std::map<std::pair<uint32_t, int32_t>, uint32_t> index;
  std::unordered_map<uint32_t, uint32_t> school_of;
  for (size_t i = 0; i < stored.size(); ++i) {
    index[{stored.pupil[i], stored.month[i]}] = static_cast<uint32_t>(i);
    school_of[stored.pupil[i]] = stored.school[i];
  }
  Upserter<DestinationTable> up(stored, src.counts, &ctx.changed_rows[TableId::kDestinations]);
  DestinationTable row;
  ForEachRow(src, [&](RowCheck& check) {
    ClearRow(row);
    PupilSchool ps = ResolvePupilSchool(ctx, check, 0, 1);
    auto year = YearColumn(check, 2, 2000);
    std::optional<int32_t> month;
    if (check.RequiredPresent(3)) {
      month = ParseYearMonth(check.Text(3));
      if (!month) {
        check.Fail(3, "date", "month must be a year and month, 2019-10");
      } else if (year) {
        // Months after Year 11: 0 is the August after the KS4 year.
        const int first = (year->start_year() + 1) * 12 + 7;  // August, 0-based month
        const int k = (*month / 100) * 12 + (*month % 100 - 1) - first;
        if (k < 0 || k > 35) {
          check.Fail(3, "date", "the month is before the August after Year 11 or over 35 after it");
        }
      }
    }
    auto activity = check.Code(4, DestinationActivityCodes());
    auto source = check.Code(5, DestinationSourceCodes());
    if (check.ok()) {
      auto it = school_of.find(ps.pupil);
      if (it != school_of.end() && it->second != ps.school) {
        check.Fail(1, "consistency", "the pupil's other months name another school");
      }
    }
    if (!check.ok()) return;
    row.pupil.push_back(ps.pupil);
    row.school.push_back(ps.school);
    row.ks4_year.push_back(static_cast<int16_t>(year->start_year()));
    row.month.push_back(*month);
    row.activity.push_back(static_cast<uint8_t>(*activity));
    row.source.push_back(static_cast<uint8_t>(source.value_or(DestinationSource::kMatched)));
    auto key = std::make_pair(ps.pupil, *month);
    auto it = index.find(key);
    uint32_t r = up.Apply(it == index.end() ? kNoIndex : it->second, row, check);
    if (r != kNoIndex) {
      index[key] = r;
      school_of[ps.pupil] = ps.school;
    }
  });
  if (up.changed()) ctx.changed_tables.insert(TableId::kDestinations);
}

// ---------------------------------------------------------------- employers

void IngestEmployerEncounters(IngestContext& ctx, InputSource& src) {
  EmployerActivityTable& stored = ctx.state().employer_activities;
  std::map<std::tuple<uint32_t, uint32_t, uint8_t, int32_t, std::string>, uint32_t> index;
  for (size_t i = 0; i < stored.size(); ++i) {
    index[{stored.pupil[i], stored.school[i], stored.activity[i], stored.start_date[i],
           stored.employer[i]}] = static_cast<uint32_t>(i);
  }
  Upserter<EmployerActivityTable> up(stored, src.counts,
                                     &ctx.changed_rows[TableId::kEmployerActivities]);
  EmployerActivityTable row;
  ForEachRow(src, [&](RowCheck& check) {
    ClearRow(row);
    PupilSchool ps = ResolvePupilSchool(ctx, check, 0, 1);
    auto activity = check.Code(2, EmployerActivityCodes());
    auto start = check.DateField(3);
    auto end = check.DateField(4);
    check.RequiredPresent(5);
    if (check.Text(5).size() > 200)
      check.Fail(5, "length", "employer is longer than 200 characters");
    if (check.Text(6).size() > 200) check.Fail(6, "length", "role is longer than 200 characters");
    std::optional<double> hours;
    if (!check.Text(7).empty()) hours = check.Number(7, 0.5, 400, "hours");
    CheckSpell(ctx, check, 3, 4, start, end);
    if (activity && *activity == EmployerActivity::kEncounter && start && end && *end != *start) {
      check.Fail(4, "consistency", "an encounter is one day: end_date is empty or start_date");
    }
    if (activity && *activity == EmployerActivity::kEncounter && !check.Text(6).empty()) {
      check.Fail(6, "consistency", "role is for a placement (the pupil's job title there)");
    }
    if (check.ok() && ctx.EnrolmentOn(ps.pupil, ps.school, start->days) == kNoIndex) {
      check.FailRow("no_enrolment", "the pupil was not on this school's roll on start_date");
    }
    if (!check.ok()) return;
    std::string employer(check.Text(5));
    row.pupil.push_back(ps.pupil);
    row.school.push_back(ps.school);
    row.activity.push_back(static_cast<uint8_t>(*activity));
    row.start_date.push_back(start->days);
    row.end_date.push_back(DateOr(end, start->days));
    row.hours.push_back(static_cast<float>(hours.value_or(0)));
    row.employer.push_back(employer);
    row.role.emplace_back(check.Text(6));
    auto key = std::make_tuple(ps.pupil, ps.school, row.activity[0], start->days, employer);
    auto it = index.find(key);
    uint32_t r = up.Apply(it == index.end() ? kNoIndex : it->second, row, check);
    if (r != kNoIndex) index[key] = r;
  });
  if (up.changed()) ctx.changed_tables.insert(TableId::kEmployerActivities);
}

}  // namespace

void IngestRecords(IngestContext& ctx, InputSource& src) {
  switch (src.schema->id) {
    case InputFile::kLocalAuthorities:
      IngestLocalAuthorities(ctx, src);
      break;
    case InputFile::kTrusts:
      IngestTrusts(ctx, src);
      break;
    case InputFile::kSchools:
      IngestSchools(ctx, src);
      break;
    case InputFile::kPupils:
      IngestPupils(ctx, src);
      break;
    case InputFile::kEnrolments:
      IngestEnrolments(ctx, src);
      break;
    case InputFile::kSuspensions:
      IngestSuspensions(ctx, src);
      break;
    case InputFile::kApPlacements:
      IngestApPlacements(ctx, src);
      break;
    case InputFile::kInternalUnits:
      IngestInternalUnits(ctx, src);
      break;
    case InputFile::kEhcpRequests:
      IngestEhcpRequests(ctx, src);
      break;
    case InputFile::kVoiceProviders:
      IngestVoiceProviders(ctx, src);
      break;
    case InputFile::kVoiceLocalItems:
      IngestVoiceLocalItems(ctx, src);
      break;
    case InputFile::kVoiceResponses:
      IngestVoiceResponses(ctx, src);
      break;
    case InputFile::kVoiceLinkage:
      IngestVoiceLinkage(ctx, src);
      break;
    case InputFile::kKs2Results:
      IngestKs2Results(ctx, src);
      break;
    case InputFile::kKs4Results:
      IngestKs4Results(ctx, src);
      break;
    case InputFile::kDestinations:
      IngestDestinations(ctx, src);
      break;
    case InputFile::kEmployerEncounters:
      IngestEmployerEncounters(ctx, src);
      break;
    case InputFile::kAttendance:
    case InputFile::kAttendanceCompact:
      break;  // marks_ingest.cc
  }
}

}  // namespace lantern
