// A tiny store (tests/tiny_fixture.h) with the KS4 results given, ingested
// and loaded: what the skills passport's tests issue from.
#ifndef LANTERN_TESTS_KS4_STORE_H_
#define LANTERN_TESTS_KS4_STORE_H_

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "lantern/ingest.h"
#include "store/store.h"
#include "tests/tiny_fixture.h"

namespace lantern::testing {

// Writes DIR/in with `ks4_rows` (after the header) as ks4_results.csv, and
// `employer_rows` as employer_encounters.csv when given, ingests them into
// DIR/store and loads it into *state.
inline void MakeKs4Store(const std::string& dir, const std::string& ks4_rows, StoreState* state,
                         const std::string& employer_rows = "") {
  std::map<std::string, std::string> files = {
      {"ks4_results.csv", "upn,urn,ks4_year,qual_id,grade,exam_series\n" + ks4_rows}};
  if (!employer_rows.empty()) {
    files["employer_encounters.csv"] =
        "upn,urn,activity,start_date,end_date,employer,role,hours\n" + employer_rows;
  }
  WriteTinyInput(dir + "/in", files);
  IngestOptions o;
  o.input_dir = dir + "/in";
  o.store_dir = dir + "/store";
  IngestReport r;
  ASSERT_TRUE(Ingest(o, &r).ok());
  ASSERT_EQ(r.rows_rejected, 0);
  auto store = Store::Open(o.store_dir, Store::Mode::kRead);
  ASSERT_TRUE(store.ok());
  auto loaded = (*store)->Load();
  ASSERT_TRUE(loaded.ok());
  *state = std::move(loaded).value();
}

}  // namespace lantern::testing

#endif  // LANTERN_TESTS_KS4_STORE_H_
