// The slot engine: one pupil's KS4 results, discounted, filled into the
// slots of a declaration (Attainment 8, Progress 5, broader attainment are
// three declarations of it; catalogue/slot_declarations.csv).
#ifndef LANTERN_MEASURES_SLOTS_H_
#define LANTERN_MEASURES_SLOTS_H_

#include <cstdint>
#include <span>
#include <vector>

#include "measures/qualifications.h"

namespace lantern {

// One result of a pupil: a qualification of the catalogue, its points per
// slot (for a graded result) and when it was awarded.
struct KsResult {
  int qual = -1;
  double points = 0;
  bool attempted = true;  // false for X (absent): no result
  int32_t series = 0;     // YYYYMM
  uint32_t row = 0;       // the caller's reference (a row of ks4_results)
};

// Discounting (docs/measures.md): results that share a discount code (or,
// without one, the same qualification in several series) count once. In
// an EBacc subject, with `first_entry_rule`, the earliest series counts
// (ties: the higher points); otherwise the best result (ties: the earlier).
// Results with no attempt (X) are dropped first. The order of the input
// does not change the outcome.
std::vector<KsResult> Discount(std::span<const KsResult> results, const QualCatalogue& catalogue,
                               bool first_entry_rule);

// Reused buffers of the slot engine (one per worker), so that discounting
// and filling a pupil's slots allocate nothing once they have grown.
struct SlotItem {
  int result;  // index into the results given to FillSlots
  double points;
  uint32_t elements;  // bit e: eligible for element e
};
struct SlotScratch {
  std::vector<const KsResult*> order;
  std::vector<SlotItem> items;
  std::vector<int> assigned, capacity;
  std::vector<size_t> general;
};

// Discount() into `kept` (cleared first), with the scratch's buffers.
void DiscountInto(std::span<const KsResult> results, const QualCatalogue& catalogue,
                  bool first_entry_rule, SlotScratch* scratch, std::vector<KsResult>* kept);

struct SlotFill {
  int element = 0;  // index into the declaration's elements
  int result = 0;   // index into the results given to FillSlots
  double points = 0;
  int weight = 1;
};

struct SlotOutcome {
  double total = 0;  // sum of weight x points over every filled slot
  // Per element, the weighted points (the P8 English element is the
  // double-weighted English slot, the EBacc element the sum of its three).
  std::vector<double> elements;
  std::vector<SlotFill> fills;
  bool exact_search = false;  // the greedy fill was not provably the best
};

// Fills the declaration's slots from the (discounted) results to the
// greatest total: elements in order, each taking its best eligible results;
// where a result could sit in more than one element and the greedy fill is
// not provably the maximum for this pupil, the best assignment is found by
// an exact search (a maximum-weight assignment).
SlotOutcome FillSlots(const SlotDeclaration& declaration, std::span<const KsResult> results,
                      const QualCatalogue& catalogue);

// FillSlots() into `out` (its vectors reused), with the scratch's buffers;
// `with_fills` false leaves out->fills empty (totals and elements only).
void FillSlotsInto(const SlotDeclaration& declaration, std::span<const KsResult> results,
                   const QualCatalogue& catalogue, bool with_fills, SlotScratch* scratch,
                   SlotOutcome* out);

}  // namespace lantern

#endif  // LANTERN_MEASURES_SLOTS_H_
