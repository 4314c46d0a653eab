// Common Transfer Files (definitions.md §11; docs/ctf.md). `lantern ingest`
// reads every *.xml file in the input folder whose root is <CTfile>, and
// turns each pupil into the rows a CSV would give: a pupils.csv row, the
// enrolments.csv rows of the sending and the receiving school, and the
// attendance.csv rows of the marks it carries. Those rows then go through the
// same checks as any CSV row, so a CTF is validated exactly like the files it
// stands for; a problem is reported against the XML file, at the line of the
// <Pupil> element, naming the element the value came from.
#ifndef LANTERN_INGEST_CTF_H_
#define LANTERN_INGEST_CTF_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/ingest_context.h"
#include "ingest/input_files.h"
#include "ingest/rejects.h"

namespace lantern {

// One derived input file: its header line and rows, and for each row the
// <Pupil> element it came from (an index into CtfConversion::pupils).
struct CtfDerivedFile {
  InputFile kind;
  std::string csv;
  std::vector<uint32_t> row_pupil;
};

struct CtfPupil {
  uint64_t line = 0;  // of the <Pupil> element in the XML file
  std::string xml;    // the element as it was, kept aside when a row is rejected
};

struct CtfConversion {
  std::string file_name;
  std::vector<CtfPupil> pupils;
  std::vector<CtfDerivedFile> files;  // pupils, enrolments, attendance (those with rows)
  RejectList rejects;                 // problems of the XML itself
  std::vector<std::string> warnings;
  uint64_t pupil_elements = 0;
};

// True when text is XML whose root element is <CTfile>.
bool LooksLikeCtf(std::string_view text);

// Converts one CTF. Never fails: a file that is not well-formed XML, or
// lacks its header, is one reject; a <Pupil> without a UPN is one reject.
// Uses the schools, pupils and enrolments already in ctx (so schools.csv in
// the same folder is read first) and ctx.year.
CtfConversion ConvertCtf(std::string file_name, std::string_view text, IngestContext& ctx);

// The CTF element a derived column comes from ("birth_date" -> "DOB"), for
// reports; the column itself when it has no single element.
std::string_view CtfElementOf(std::string_view column);

// The XML line of each byte offset in text (1-based).
uint64_t LineAt(std::string_view text, size_t offset);

}  // namespace lantern

#endif  // LANTERN_INGEST_CTF_H_
