// Ingest of the pupil voice files (docs/input-schema.md, docs/pupil-voice.md):
// accredited providers, local items, responses and the linkage of a
// respondent key to a pupil, each row checked and kept aside when bad.
#ifndef LANTERN_INGEST_VOICE_INGEST_H_
#define LANTERN_INGEST_VOICE_INGEST_H_

#include "ingest/ingest_context.h"

namespace lantern {

void IngestVoiceProviders(IngestContext& ctx, InputSource& src);
void IngestVoiceLocalItems(IngestContext& ctx, InputSource& src);
void IngestVoiceResponses(IngestContext& ctx, InputSource& src);
void IngestVoiceLinkage(IngestContext& ctx, InputSource& src);

}  // namespace lantern

#endif  // LANTERN_INGEST_VOICE_INGEST_H_
