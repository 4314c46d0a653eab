// Fuzzes the at-risk rules reader (src/flags/rules.cc, toml++), which reads
// a rules file a local authority writes. Properties checked (a failure
// aborts, which libFuzzer reports):
//  - reading never crashes, throws or loops;
//  - a refused file's error names the file and a line within it;
//  - a rule set that is accepted has every national core trigger, once, with
//    a finite threshold, and no id twice;
//  - a local file cannot change the national core: its national part is the
//    rules in force before it.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "flags/rules.h"

namespace {

bool SameTrigger(const lantern::Trigger& a, const lantern::Trigger& b) {
  return a.id == b.id && a.measure == b.measure && a.window.kind == b.window.kind &&
         a.window.n == b.window.n && a.threshold == b.threshold;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const lantern::AtRiskRules& national = lantern::DefaultRules();
  auto rules = lantern::ParseAtRiskRules(text, "fuzz.toml", national);
  if (!rules.ok()) {
    const std::string& m = rules.status().message();
    if (m.rfind("fuzz.toml:", 0) != 0) std::abort();
    const long line = std::strtol(m.c_str() + 10, nullptr, 10);
    if (line < 1 || line > std::count(text.begin(), text.end(), '\n') + 1) {
      std::abort();
    }
    return 0;
  }
  std::set<std::string> ids;
  for (const lantern::Trigger& t : rules->triggers) {
    if (!ids.insert(t.id).second || !std::isfinite(t.threshold)) std::abort();
  }
  for (const std::string& core : lantern::CoreTriggerIds()) {
    if (!ids.count(core)) std::abort();
  }
  if (!lantern::IsNationalRulesText(text)) {
    const lantern::AtRiskRules part = lantern::NationalPart(*rules);
    if (part.triggers.size() != national.triggers.size()) std::abort();
    for (size_t i = 0; i < part.triggers.size(); ++i) {
      if (!SameTrigger(part.triggers[i], national.triggers[i])) std::abort();
    }
  }
  return 0;
}
