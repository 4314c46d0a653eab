// Validation and upsert of the record files (everything but the marks):
// local authorities, trusts, schools, pupils, enrolments, suspensions,
// alternative provision placements and internal units.
#ifndef LANTERN_INGEST_RECORD_INGEST_H_
#define LANTERN_INGEST_RECORD_INGEST_H_

#include "ingest/ingest_context.h"

namespace lantern {

// Reads every row of src into the context's tables. Bad rows go to
// src.rejects; the tables change only in memory.
void IngestRecords(IngestContext& ctx, InputSource& src);

}  // namespace lantern

#endif  // LANTERN_INGEST_RECORD_INGEST_H_
