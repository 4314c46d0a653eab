// JSON text written directly, for the large answers built once (the
// server's indexed outcomes files): the same bytes nlohmann::json's dump()
// gives for strings and arrays of strings, without a JSON value per cell.
#ifndef LANTERN_COMMON_JSON_TEXT_H_
#define LANTERN_COMMON_JSON_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

namespace lantern {

// `s` as a JSON string: UTF-8 as it is; quotes, backslashes and control
// characters escaped as nlohmann::json escapes them.
void AppendJsonString(std::string_view s, std::string* out);
// ["a","b",...]
void AppendJsonStrings(const std::vector<std::string>& items, std::string* out);
void AppendJsonStrings(const std::vector<std::string_view>& items, std::string* out);

}  // namespace lantern

#endif  // LANTERN_COMMON_JSON_TEXT_H_
