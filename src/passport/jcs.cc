// Strict JSON input and RFC 8785 (JCS) output. nlohmann's dump() is not
// JCS: it sorts keys by UTF-8 bytes rather than UTF-16 code units and writes
// numbers in C's style ("1.0", "1e+20"), so the writer here is our own
// (../shared/spec/skills-passport.md, section 3.1).
#include "passport/jcs.h"

#include <double-conversion/double-conversion.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

namespace lantern::passport {

namespace {

// Deeper documents are refused: the writer below recurses once per level,
// and no credential comes close.
constexpr int kMaxDepth = 500;

// The largest integer every smaller one of which a double holds exactly.
constexpr uint64_t kMaxExactInteger = uint64_t{1} << 53;

// Decodes one UTF-8 code point at text[*i], moving *i past it; false on an
// ill-formed sequence (overlong forms, surrogates and values past U+10FFFF
// included), which JCS cannot write.
bool NextCodePoint(std::string_view text, size_t* i, char32_t* out) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  uint8_t b0 = byte(*i);
  if (b0 < 0x80) {
    *out = b0;
    ++*i;
    return true;
  }
  size_t len;
  char32_t cp, min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return false;
  }
  if (text.size() - *i < len) return false;
  for (size_t k = 1; k < len; ++k) {
    uint8_t b = byte(*i + k);
    if ((b & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  *out = cp;
  *i += len;
  return true;
}

// The UTF-16 code units of a UTF-8 name: JCS sorts members by these.
Result<std::u16string> ToUtf16(std::string_view text) {
  std::u16string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    char32_t cp;
    if (!NextCodePoint(text, &i, &cp)) {
      return Status::InvalidInput("JSON string is not valid UTF-8");
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

// A string as JCS writes it (RFC 8785 section 3.2.2.2): quote, backslash
// and the C0 controls are escaped (\b \f \n \r \t by name, the rest as
// lower-case \u00xx); everything else, '/', DEL and non-ASCII included, is
// copied as UTF-8.
Status WriteString(std::string_view text, std::string* out) {
  out->push_back('"');
  for (size_t i = 0; i < text.size();) {
    size_t start = i;
    char32_t cp;
    if (!NextCodePoint(text, &i, &cp)) {
      return Status::InvalidInput("JSON string is not valid UTF-8");
    }
    switch (cp) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (cp < 0x20) {
          out->append(fmt::format("\\u{:04x}", static_cast<unsigned>(cp)));
        } else {
          out->append(text.substr(start, i - start));
        }
    }
  }
  out->push_back('"');
  return Status::Ok();
}

// A number as ECMAScript's Number.prototype.toString writes the double
// (RFC 8785 section 3.2.2.3).
Status WriteDouble(double d, std::string* out) {
  if (!std::isfinite(d)) return Status::InvalidInput("JSON cannot hold NaN or Infinity");
  char buf[64];
  double_conversion::StringBuilder builder(buf, sizeof(buf));
  // The ECMAScript converter writes -0 as "0", as JCS wants.
  if (!double_conversion::DoubleToStringConverter::EcmaScriptConverter().ToShortest(d, &builder)) {
    return Status::Internal(fmt::format("cannot format the number {}", d));
  }
  out->append(builder.Finalize());
  return Status::Ok();
}

Status Write(const nlohmann::json& value, int depth, std::string* out) {
  using Type = nlohmann::json::value_t;
  if (depth > kMaxDepth) {
    return Status::InvalidInput(fmt::format("JSON nested deeper than {} levels", kMaxDepth));
  }
  switch (value.type()) {
    case Type::null:
      out->append("null");
      return Status::Ok();
    case Type::boolean:
      out->append(value.get<bool>() ? "true" : "false");
      return Status::Ok();
    case Type::string:
      return WriteString(value.get_ref<const std::string&>(), out);
    case Type::number_integer: {
      int64_t v = value.get<int64_t>();
      // Through uint64_t so that INT64_MIN's magnitude does not overflow.
      uint64_t magnitude = v < 0 ? uint64_t{0} - static_cast<uint64_t>(v) : v;
      if (magnitude > kMaxExactInteger) {
        return Status::InvalidInput(fmt::format(
            "the integer {} is not exactly an IEEE-754 double; write it as a string", v));
      }
      return WriteDouble(static_cast<double>(v), out);
    }
    case Type::number_unsigned: {
      uint64_t v = value.get<uint64_t>();
      if (v > kMaxExactInteger) {
        return Status::InvalidInput(fmt::format(
            "the integer {} is not exactly an IEEE-754 double; write it as a string", v));
      }
      return WriteDouble(static_cast<double>(v), out);
    }
    case Type::number_float:
      return WriteDouble(value.get<double>(), out);
    case Type::array: {
      out->push_back('[');
      bool first = true;
      for (const auto& element : value) {
        if (!first) out->push_back(',');
        first = false;
        LANTERN_RETURN_IF_ERROR(Write(element, depth + 1, out));
      }
      out->push_back(']');
      return Status::Ok();
    }
    case Type::object: {
      // nlohmann's map is ordered by UTF-8 bytes; JCS orders by UTF-16 code
      // units, which differs for names mixing U+E000..U+FFFF with
      // characters beyond U+FFFF.
      std::vector<std::pair<std::u16string, const nlohmann::json::object_t::value_type*>> members;
      members.reserve(value.size());
      for (const auto& member : value.get_ref<const nlohmann::json::object_t&>()) {
        LANTERN_ASSIGN_OR_RETURN(std::u16string key, ToUtf16(member.first));
        members.emplace_back(std::move(key), &member);
      }
      std::sort(members.begin(), members.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      out->push_back('{');
      bool first = true;
      for (const auto& [key, member] : members) {
        if (!first) out->push_back(',');
        first = false;
        LANTERN_RETURN_IF_ERROR(WriteString(member->first, out));
        out->push_back(':');
        LANTERN_RETURN_IF_ERROR(Write(member->second, depth + 1, out));
      }
      out->push_back('}');
      return Status::Ok();
    }
    case Type::binary:
      return Status::InvalidInput("JSON cannot hold binary values");
    case Type::discarded:
      break;
  }
  return Status::InvalidInput("not a JSON value");
}

}  // namespace

Result<nlohmann::json> ParseJson(std::string_view text) {
  // nlohmann keeps one value of a repeated name without a word; I-JSON
  // (RFC 7493), which JCS assumes, forbids repeats. The callback keeps the
  // names seen in each open object and notes the first repeat.
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate;
  bool has_duplicate = false, too_deep = false;
  auto callback = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (depth > kMaxDepth) too_deep = true;
    switch (event) {
      case Event::object_start:
        open_objects.emplace_back();
        break;
      case Event::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        break;
      case Event::key:
        if (!open_objects.empty() && parsed.is_string()) {
          const auto& name = parsed.get_ref<const std::string&>();
          if (!open_objects.back().insert(name).second && !has_duplicate) {
            has_duplicate = true;
            duplicate = name;
          }
        }
        break;
      default:
        break;
    }
    return true;
  };
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/true,
                                  /*ignore_comments=*/false);
  } catch (const nlohmann::json::exception& e) {
    // The parser's own words say where and what (bad UTF-8 included).
    return Status::InvalidInput(fmt::format("not valid JSON: {}", e.what()));
  } catch (const std::exception& e) {
    return Status::InvalidInput(fmt::format("not valid JSON: {}", e.what()));
  }
  if (has_duplicate) {
    std::string quoted;
    if (!WriteString(duplicate, &quoted).ok()) quoted = "(a name)";
    return Status::InvalidInput(
        fmt::format("JSON object has the member name {} more than once", quoted));
  }
  if (too_deep) {
    return Status::InvalidInput(fmt::format("JSON nested deeper than {} levels", kMaxDepth));
  }
  return value;
}

Result<std::string> Canonicalize(const nlohmann::json& value) {
  std::string out;
  LANTERN_RETURN_IF_ERROR(Write(value, 0, &out));
  return out;
}

}  // namespace lantern::passport
