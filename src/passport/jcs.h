// JSON as the skills passport signs it: parsed strictly (I-JSON: no
// duplicate member names) and written in the JSON Canonicalization Scheme
// (RFC 8785), the form the eddsa-jcs-2022 proofs hash
// (../shared/spec/skills-passport.md, sections 2 and 3.1).
#ifndef LANTERN_PASSPORT_JCS_H_
#define LANTERN_PASSPORT_JCS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "lantern/status.h"

namespace lantern::passport {

// Parses `text` as I-JSON: valid UTF-8, and no object with the same member
// name twice (the error names it). Anything else is InvalidInput with the
// parser's reason.
Result<nlohmann::json> ParseJson(std::string_view text);

// The canonical form (RFC 8785): no whitespace; object members sorted by
// the UTF-16 code units of their names; strings escaped as JCS says; every
// number written as ECMAScript's Number.prototype.toString writes the
// IEEE-754 double (1.0 -> 1, -0.0 -> 0, 1e21 -> 1e+21). An integer whose
// magnitude exceeds 2^53 (not exactly a double) is InvalidInput.
Result<std::string> Canonicalize(const nlohmann::json& value);

}  // namespace lantern::passport

#endif  // LANTERN_PASSPORT_JCS_H_
