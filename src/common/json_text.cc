#include "common/json_text.h"

#include <fmt/format.h>

namespace lantern {

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\b':
        *out += "\\b";
        break;
      case '\f':
        *out += "\\f";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        if (c < 0x20) {
          *out += fmt::format("\\u{:04x}", c);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

namespace {
template <typename Strings>
void AppendAll(const Strings& items, std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendJsonString(items[i], out);
  }
  out->push_back(']');
}
}  // namespace

void AppendJsonStrings(const std::vector<std::string>& items, std::string* out) {
  AppendAll(items, out);
}

void AppendJsonStrings(const std::vector<std::string_view>& items, std::string* out) {
  AppendAll(items, out);
}

}  // namespace lantern
