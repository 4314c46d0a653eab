// Fuzzes the skills passport check (src/passport/), which
// POST /api/v1/passport/verify runs on anyone's request body. Properties
// checked (a failure aborts, which libFuzzer reports):
//  - parsing, canonicalising and checking never crash, throw or loop;
//  - the JCS canonical form (RFC 8785) is a fixed point: parsed and
//    canonicalised again it is the same bytes;
//  - a record found valid has every item verified;
//  - the report can always be written as JSON (no invalid UTF-8 in it).
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "passport/credentials.h"
#include "passport/jcs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace passport = lantern::passport;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto body = passport::ParseJson(text);
  if (!body.ok()) return 0;
  auto canonical = passport::Canonicalize(*body);
  if (canonical.ok()) {
    auto again = passport::ParseJson(*canonical);
    if (!again.ok()) std::abort();
    auto twice = passport::Canonicalize(*again);
    if (!twice.ok() || *twice != *canonical) std::abort();
  }
  // As the server's request ({"passport": ..., "status_list": ...}), or a
  // passport file on its own.
  const nlohmann::json* record = &*body;
  passport::VerifyOptions o;
  o.now = "2026-06-01T00:00:00Z";
  if (body->is_object() && body->contains("passport")) {
    record = &(*body)["passport"];
    if (body->contains("status_list")) o.status_list = &(*body)["status_list"];
    if (body->contains("recipient_email") && (*body)["recipient_email"].is_string()) {
      o.recipient_email = (*body)["recipient_email"].get<std::string>();
    }
  }
  const passport::VerifyReport r = passport::Verify(*record, o);
  if (r.valid) {
    for (const auto& item : r.items) {
      if (!item.verified) std::abort();
    }
  }
  try {
    (void)passport::VerifyReportJson(r).dump();
  } catch (const nlohmann::json::exception&) {
    std::abort();
  }
  return 0;
}
