// The fact layer: what each pupil, enrolment and event of the store
// contributes to the published figures, as additive measures.
//
// A grain is one kind of fact row, each row belonging to one pupil at one
// school: an enrolment (sessions by kind, on roll at the census), a
// suspension or exclusion (an event), a pupil at a school (their roll, AP
// placements and internal-unit spells taken together). A grain declares its
// measures (MeasureDecl: id, what is counted, how it adds up); the cube asks
// for the measures it needs and the grain streams each row's values into
// the cube (FactSink). Adding a family of figures adds measures to a grain,
// or a grain; never a pass over the store of its own.
#ifndef LANTERN_DERIVE_FACTS_H_
#define LANTERN_DERIVE_FACTS_H_

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.h"
#include "lantern/status.h"
#include "model/policy.h"
#include "store/store.h"

namespace lantern {

// What a measure counts. A proportion's numerator and denominator count the
// same thing; a rate counts events (or sessions) per pupil; a mean sums a
// score over pupils. Disclosure control applies to counts of pupils,
// enrolments and events (definitions.md 9), never to sessions or scores.
enum class Quantity : uint8_t { kPupils, kEnrolments, kEvents, kSessions, kScore, kHours };
std::string_view QuantityName(Quantity q);  // "pupils"

// How a measure adds up over rows:
//   kSum                     the rows' values added, at every level;
//   kDistinctPupilsAtSchool  a pupil counted once per school however many
//                            of their rows there hold a 1 (pupil
//                            enrolments, as the Department counts "pupils
//                            with one or more suspension"), and those counts
//                            added above the school;
//   kDistinctPupils          a pupil counted once in every unit (school, LA,
//                            region, England, trust, place), however many
//                            schools of the unit they are counted at.
enum class Aggregation : uint8_t { kSum, kDistinctPupilsAtSchool, kDistinctPupils };

struct MeasureDecl {
  std::string_view id;  // unique across grains: "sess_overall"
  Quantity quantity = Quantity::kPupils;
  int power = 1;  // 2 for the sums of squares and cross products behind intervals
  Aggregation aggregation = Aggregation::kSum;
  // Values are integers in units of 1/scale (a KS2 mean of 100.5 is 201 at
  // scale 2), so sums stay exact and subtracting categories loses nothing.
  int64_t scale = 1;
  // The largest value one row can add: with the most rows a school has, it
  // decides whether school cells fit in 32 bits.
  int64_t max_per_row = 1;
  std::string_view description;  // for docs/indicators.md

  // Counts of pupils, enrolments or events are disclosure-controlled.
  bool disclosure_controlled() const {
    return power == 1 && scale == 1 &&
           (quantity == Quantity::kPupils || quantity == Quantity::kEnrolments ||
            quantity == Quantity::kEvents);
  }
};

struct ExitSet;  // derive/exits.h

// What every grain is built for: the store, the academic year, the period
// within it that is counted (the whole year unless a term is asked for) and
// the policy.
struct FactContext {
  const StoreState* state = nullptr;
  const Store* store = nullptr;  // for saved session counts; may be null
  AcademicYear year{2018};
  Date first_day, last_day;  // the period counted, inclusive
  const Policy* policy = nullptr;
  bool full_scan = false;  // count every mark again instead of using saved counts
  int threads = 1;
  // The period's exits, classified once (ClassifyExits) for the exit grain
  // and for outputs that list them; null: the grain classifies them itself.
  const ExitSet* exits = nullptr;
};

// Where a grain's rows go: the cube's accumulator for one worker.
class FactSink {
 public:
  virtual ~FactSink() = default;
  // One row: its school (a row of the schools table), its pupil (a row of
  // the pupils table) and the values of the measures asked for, in the
  // order asked.
  virtual void Add(uint32_t school, uint32_t pupil, const int64_t* values) = 0;
};

// The schools one worker of the cube owns: it is given exactly their rows.
struct SchoolShare {
  const uint16_t* owner = nullptr;  // owner[school]: the worker that owns it
  uint16_t worker = 0;
  bool owns(uint32_t school) const { return owner[school] == worker; }
};

class FactGrain {
 public:
  virtual ~FactGrain() = default;
  virtual std::string_view name() const = 0;
  virtual std::span<const MeasureDecl> measures() const = 0;
  // The most rows the grain has at one school (with max_per_row: the largest
  // school cell).
  virtual uint64_t max_rows_per_school() const = 0;
  // Readies the grain to give the measures `wanted` (indices into
  // measures()), in that order, skipping work none of them needs. Called
  // once before any Scan.
  virtual Status Prepare(std::span<const int> wanted) = 0;
  // Gives the sink every row at the schools `share` owns whose values are
  // not all zero. A grain that declares a kDistinctPupilsAtSchool measure
  // gives the rows of one pupil at one school one after another (so the
  // cube can count the pupil once there). Called from one worker per share,
  // all at once.
  virtual void Scan(const SchoolShare& share, FactSink* sink) const = 0;
  // Whether the session counts saved at ingest were used (the build report).
  virtual bool used_saved_counts() const { return false; }
};

// The grains (derive/*_facts.cc) and their measures, which the catalogue
// reads without a store.
enum class GrainId : uint8_t {
  kEnrolment,
  kSuspension,
  kPupilAtSchool,
  kDestination,
  kExit,
  kEmployer,
  kSend
};
constexpr GrainId kAllGrains[] = {
    GrainId::kEnrolment, GrainId::kSuspension, GrainId::kPupilAtSchool, GrainId::kDestination,
    GrainId::kExit,      GrainId::kEmployer,   GrainId::kSend};
std::string_view GrainName(GrainId grain);  // "enrolment"
std::span<const MeasureDecl> GrainMeasures(GrainId grain);

// Counts of a grain that split another, by construction: in every cell of
// the cube, `whole` = the `parts` + `rest`, where the rest (named when the
// parts do not cover the whole) is a count no file publishes: what a reader
// gets by subtracting. A part may be an earlier split's rest. The
// disclosure pass keeps a reader from working out a hidden part, or a rest
// of 1 or 2, from the others (suppress/disclosure_pass.h); every count
// named is a sum of events or of pupils once per school, so the split holds
// in every cell.
struct CountSplit {
  std::string_view whole;
  std::array<std::string_view, 3> parts;  // "" after the last
  std::string_view rest;                  // "" when the parts are the whole
  std::string_view rest_description;      // for docs
};
std::span<const CountSplit> GrainSplits(GrainId grain);
// The index of a grain's measure by id, or -1.
int GrainMeasureIndex(GrainId grain, std::string_view id);
std::unique_ptr<FactGrain> MakeFactGrain(GrainId grain, const FactContext& context);

}  // namespace lantern

#endif  // LANTERN_DERIVE_FACTS_H_
