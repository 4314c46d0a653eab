#include "ingest/row_check.h"

#include <fmt/format.h>

#include <charconv>

#include "model/upn.h"

namespace lantern {

void RowCheck::FailColumn(std::string_view column, std::string_view value, std::string_view check,
                          std::string reason) {
  ok_ = false;
  rejects_->Add(record_.line, column, value, check, std::move(reason), record_.raw);
}

bool RowCheck::FailRequired(size_t c) {
  Fail(c, "required", fmt::format("{} is required but empty", Name(c)));
  return false;
}

std::string RowCheck::UnknownCodeMessage(size_t c, std::string_view t) const {
  return fmt::format("'{}' is not a valid {} (see docs/input-schema.md)", RedactValue(Name(c), t),
                     Name(c));
}

void RowCheck::FailUpn(size_t c, UpnProblem problem) {
  if (!RequiredPresent(c)) return;
  switch (problem) {
    case UpnProblem::kNone:
      break;
    case UpnProblem::kLength:
      Fail(c, "upn_length", "UPN must be 13 characters");
      break;
    case UpnProblem::kFormat:
      Fail(c, "upn_format", "UPN must be a check letter, 11 digits and a final digit or letter");
      break;
    case UpnProblem::kUnknownLa:
      Fail(c, "upn_la", "UPN characters 2-4 are not a known LA number");
      break;
    case UpnProblem::kCheckLetter:
      Fail(c, "upn_check_letter", "UPN check letter does not match the rest of the number");
      break;
  }
}

namespace {
bool AllDigits(std::string_view t) {
  if (t.empty()) return false;
  for (char ch : t)
    if (ch < '0' || ch > '9') return false;
  return true;
}
}  // namespace

std::optional<int32_t> RowCheck::Urn(size_t c) {
  if (!RequiredPresent(c)) return std::nullopt;
  std::string_view t = Text(c);
  if (t.size() != 6 || !AllDigits(t) || t[0] == '0') {
    Fail(c, "urn", "URN must be 6 digits");
    return std::nullopt;
  }
  int32_t v = 0;
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}

std::optional<int16_t> RowCheck::LaCode(size_t c) {
  std::string_view t = Text(c);
  if (t.empty()) {
    if (schema_.columns[c].required) RequiredPresent(c);
    return std::nullopt;
  }
  int v = 0;
  if (t.size() != 3 || !AllDigits(t) ||
      (std::from_chars(t.data(), t.data() + 3, v), !IsKnownLaNumber(v))) {
    Fail(c, "la_code", fmt::format("'{}' is not a known 3-digit LA number", t));
    return std::nullopt;
  }
  return static_cast<int16_t>(v);
}

std::optional<Date> RowCheck::DateField(size_t c) {
  std::string_view t = Text(c);
  if (t.empty()) {
    if (schema_.columns[c].required) RequiredPresent(c);
    return std::nullopt;
  }
  auto d = ParseIsoDate(t);
  if (!d) Fail(c, "date", fmt::format("'{}' is not a real date in the form YYYY-MM-DD", t));
  return d;
}

std::optional<bool> RowCheck::YesNo(size_t c) {
  std::string_view t = Text(c);
  if (t.empty()) {
    if (schema_.columns[c].required) RequiredPresent(c);
    return std::nullopt;
  }
  auto v = ParseYesNo(t);
  if (!v) Fail(c, "code", fmt::format("'{}' is not Y or N", RedactValue(Name(c), t)));
  return v;
}

std::optional<int64_t> RowCheck::Integer(size_t c, int64_t min, int64_t max,
                                         std::string_view check) {
  std::string_view t = Text(c);
  if (t.empty()) {
    if (schema_.columns[c].required) RequiredPresent(c);
    return std::nullopt;
  }
  int64_t v = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size() || v < min || v > max) {
    Fail(c, check, fmt::format("{} must be a whole number from {} to {}", Name(c), min, max));
    return std::nullopt;
  }
  return v;
}

std::optional<double> RowCheck::Number(size_t c, double min, double max, std::string_view check) {
  std::string_view t = Text(c);
  if (t.empty()) {
    if (schema_.columns[c].required) RequiredPresent(c);
    return std::nullopt;
  }
  double v = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size() || !(v >= min && v <= max)) {
    Fail(c, check, fmt::format("{} must be a number from {} to {}", Name(c), min, max));
    return std::nullopt;
  }
  return v;
}

}  // namespace lantern
