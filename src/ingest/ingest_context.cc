#include "ingest/ingest_context.h"

namespace lantern {

IngestContext::IngestContext(StoreState* state, int threads)
    : state_(state), threads_(threads), school_by_urn_(1000000, kNoIndex) {
  const SchoolTable& s = state->schools;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.urn[i] > 0 && s.urn[i] < 1000000) school_by_urn_[static_cast<size_t>(s.urn[i])] = i;
  }
  const EnrolmentTable& e = state->enrolments;
  // Each pupil's enrolments as a list in slot order, built backwards so no
  // list needs its tail. Room for the rows an ingest adds (as the tables
  // have, table_ops.h): a daily file's first new pupil must not copy the
  // lists whole.
  auto room = [](size_t n) { return n + n / 64 + 1024; };
  first_enrolment_.reserve(room(state->pupils.size()));
  next_enrolment_.reserve(room(e.size()));
  first_enrolment_.assign(state->pupils.size(), kNoIndex);
  next_enrolment_.assign(e.size(), kNoIndex);
  for (size_t i = e.size(); i-- > 0;) {
    const uint32_t p = e.pupil[i];
    if (p >= first_enrolment_.size()) continue;
    next_enrolment_[i] = first_enrolment_[p];
    first_enrolment_[p] = static_cast<uint32_t>(i);
  }
}

uint32_t IngestContext::PupilRow(uint64_t upn) {
  if (!upn_index_built_) {
    Result<UpnIndex> saved = saved_upn_index_.empty()
                                 ? Result<UpnIndex>(Status::NotFound("no saved UPN index"))
                                 : UpnIndex::Open(saved_upn_index_, state_->pupils.upn, threads_);
    if (saved.ok()) {
      upn_index_ = std::move(saved).value();
    } else {
      // None saved, or not usable (the store is still right: it is only a cache).
      if (!saved_upn_index_.empty()) warnings.push_back(saved.status().ToString() + "; rebuilt it");
      upn_index_.Build(state_->pupils.upn);
    }
    upn_index_built_ = true;
  }
  return upn_index_.Find(upn);
}

void IngestContext::NotePupil(uint64_t upn, uint32_t row) {
  if (!upn_index_built_) PupilRow(upn);
  upn_index_.Insert(upn, row);
  if (first_enrolment_.size() <= row) first_enrolment_.resize(row + 1, kNoIndex);
}

void IngestContext::NoteEnrolment(uint32_t slot) {
  uint32_t p = state_->enrolments.pupil[slot];
  if (next_enrolment_.size() <= slot) next_enrolment_.resize(slot + 1, kNoIndex);
  if (first_enrolment_.size() <= p) first_enrolment_.resize(p + 1, kNoIndex);
  // At the end of the pupil's list (lists are a few enrolments long).
  uint32_t* link = &first_enrolment_[p];
  while (*link != kNoIndex) link = &next_enrolment_[*link];
  *link = slot;
}

uint32_t IngestContext::EnrolmentOn(uint32_t pupil, uint32_t school, int32_t date) const {
  const EnrolmentTable& e = state_->enrolments;
  for (uint32_t s = FirstEnrolment(pupil); s != kNoIndex; s = next_enrolment_[s]) {
    if (e.school[s] == school && e.entry_date[s] <= date && date <= e.leaving_date[s]) return s;
  }
  return kNoIndex;
}

}  // namespace lantern
