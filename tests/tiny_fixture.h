// A tiny hand-made input folder with answers worked out by hand (see the
// comments): three schools in LA 805, six pupils, one week of marks plus
// three summer days. Used by the end-to-end tests.
#ifndef LANTERN_TESTS_TINY_FIXTURE_H_
#define LANTERN_TESTS_TINY_FIXTURE_H_

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "lantern/ingest.h"
#include "model/upn.h"

namespace lantern::testing {

inline std::string TinyUpn(int n) { return MakeUpn(805, 2001, 10, n); }

// A pupil voice wave for the tiny store, worked by hand in
// tests/voice_test.cc (where it is defined): WriteTinyInput's overrides.
std::map<std::string, std::string> TinyVoiceFiles();

// Writes the files into dir; `files` overrides or adds files by name
// (an empty text removes the file).
inline void WriteTinyInput(const std::string& dir,
                           const std::map<std::string, std::string>& overrides = {}) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  const std::string p1 = TinyUpn(1), p2 = TinyUpn(2), p3 = TinyUpn(3), p4 = TinyUpn(4),
                    p5 = TinyUpn(5), p6 = TinyUpn(6);
  std::map<std::string, std::string> files;
  files["local_authorities.csv"] =
      "old_la_code,new_la_code,la_name,region_code,region_name\n"
      "805,E06000001,Hartlepool,E12000001,North East\n"
      "806,E06000002,Middlesbrough,E12000001,North East\n";
  files["trusts.csv"] = "trust_id,trust_name,trust_type\nTR1,Tiny Learning Trust,MAT\n";
  files["schools.csv"] =
      "urn,la_code,estab,name,phase,type,trust_id,postcode,open_date,close_date\n"
      "900001,805,2001,Tiny Primary,primary,Community school,,TS1 1AA,,\n"
      "900002,805,4001,\"Tiny Academy, Hartlepool\",secondary,Academy converter,TR1,,,\n"
      "900003,805,1100,Tiny PRU,ap,Pupil referral unit,,,,\n";
  // P1 Year 3 girl, FSM; P2 Year 8 boy, SEN support, EAL; P3 Year 10 boy,
  // EHC plan, looked after, lives in 806; P4 Year 11 girl (aged 15: study
  // leave rule); P5 Reception (aged 4: not in the cohort); P6 Year 9 boy who
  // moves from the academy to the PRU on Thursday.
  files["pupils.csv"] =
      "upn,birth_date,sex,fsm_eligible,disadvantaged,sen_provision,sen_primary_need,eal,"
      "looked_after,home_la_code,year_group\n" +
      p1 + ",2011-03-15,F,Y,Y,N,,N,N,805,3\n" + p2 + ",2006-01-10,M,N,Y,K,SEMH,Y,N,805,8\n" + p3 +
      ",2004-05-05,M,N,Y,E,ASD,N,Y,806,10\n" + p4 + ",2003-02-02,F,N,N,N,,N,N,805,11\n" + p5 +
      ",2014-06-01,M,N,N,N,,N,N,805,R\n" + p6 + ",2005-04-04,M,N,N,N,,N,N,805,9\n";
  files["enrolments.csv"] = "upn,urn,entry_date,leaving_date,leaving_reason,enrol_status\n" + p1 +
                            ",900001,2015-09-03,,,C\n" + p2 + ",900002,2017-09-04,,,C\n" + p3 +
                            ",900002,2016-09-05,,,C\n" + p4 + ",900002,2014-09-03,,,C\n" + p5 +
                            ",900001,2018-09-03,,,C\n" + p6 +
                            ",900002,2016-09-05,2018-09-05,transfer,C\n" + p6 +
                            ",900003,2018-09-06,,,C\n";
  // Week of 3 September 2018. Worked answers (possible / absent):
  //   P1 10 / 2 illness (20%: persistent)
  //   P2 10 / 4 unauthorised: O O, G G (40%)
  //   P3 10 / 1 appointment M (exactly 10%: persistent, "at least")
  //   P4 12 / 2 illness on 20 May; 3-4 June fall after the study-leave date
  //      (3 June 2019) and are left out (16.7%)
  //   P5 aged 4: left out
  //   P6 at the academy Mon-Wed: 6 / 1 illness; at the PRU Thu-Fri: 2
  //      possible (the # closure is not a possible session), 0 absent
  std::string att = "upn,urn,date,am,pm\n";
  const char* week[] = {"2018-09-03", "2018-09-04", "2018-09-05", "2018-09-06", "2018-09-07"};
  auto day = [&](const std::string& upn, const char* urn, const char* date, const char* am,
                 const char* pm) {
    att += upn + "," + urn + "," + date + "," + am + "," + pm + "\n";
  };
  for (int d = 0; d < 5; ++d) day(p1, "900001", week[d], d == 1 ? "I" : "/", d == 1 ? "I" : "\\");
  const char* p2am[] = {"/", "/", "O", "G", "/"};
  const char* p2pm[] = {"\\", "\\", "O", "G", "\\"};
  for (int d = 0; d < 5; ++d) day(p2, "900002", week[d], p2am[d], p2pm[d]);
  for (int d = 0; d < 5; ++d) day(p3, "900002", week[d], d == 0 ? "L" : "/", d == 4 ? "M" : "\\");
  for (int d = 0; d < 5; ++d) day(p4, "900002", week[d], "/", "\\");
  day(p4, "900002", "2019-05-20", "I", "I");
  day(p4, "900002", "2019-06-03", "O", "O");
  day(p4, "900002", "2019-06-04", "O", "O");
  for (int d = 0; d < 5; ++d) day(p5, "900001", week[d], "/", "\\");
  for (int d = 0; d < 3; ++d) day(p6, "900002", week[d], "/", d == 2 ? "I" : "\\");
  day(p6, "900003", week[3], "/", "\\");
  day(p6, "900003", week[4], "#", "#");
  files["attendance.csv"] = att;
  for (const auto& [name, text] : overrides) files[name] = text;
  for (const auto& [name, text] : files) {
    if (text.empty()) {
      fs::remove(dir + "/" + name);
      continue;
    }
    std::ofstream(dir + "/" + name, std::ios::binary) << text;
  }
}

// Writes the tiny input (with `overrides`, as WriteTinyInput) to input_dir
// and ingests it into store_dir; fails unless every row goes in.
inline Status IngestTinyInput(const std::string& input_dir, const std::string& store_dir,
                              const std::map<std::string, std::string>& overrides = {}) {
  WriteTinyInput(input_dir, overrides);
  IngestOptions o;
  o.input_dir = input_dir;
  o.store_dir = store_dir;
  o.threads = 2;
  IngestReport r;
  LANTERN_RETURN_IF_ERROR(Ingest(o, &r));
  if (r.rows_rejected > 0) {
    return Status::InvalidInput(std::to_string(r.rows_rejected) +
                                " rows of the tiny input rejected");
  }
  return Status::Ok();
}

}  // namespace lantern::testing

#endif  // LANTERN_TESTS_TINY_FIXTURE_H_
