// Pupil voice for the generated world (docs/pupil-voice.md, docs/generator.md):
// an accredited provider, one wave collected in the summer term at every
// taking-part school, responses to the open core bank from pupils in the
// surveyed year groups (response rates lower for persistently absent pupils
// and pupils in alternative provision, as in practice), the linkage of
// respondent keys to UPNs in a file of its own, one school's local item,
// and the true distributions aside in voice_truth/voice_truth.csv for the
// tests.
#ifndef LANTERN_GENERATE_VOICE_H_
#define LANTERN_GENERATE_VOICE_H_

#include <string>

#include "generate/output.h"
#include "lantern/status.h"

namespace lantern::gen {

Status WriteVoiceFiles(const Generated& g, const std::string& dir, FileRows* rows);

}  // namespace lantern::gen

#endif  // LANTERN_GENERATE_VOICE_H_
