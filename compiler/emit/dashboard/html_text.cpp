#include "emit/dashboard/html_text.h"

#include "emit/audit_html.h"
#include "emit/value_text.h"
#include "support/display_text.h"

#include <cmath>
#include <cstdio>

namespace mlops::emit::dashboard {

std::string escape(std::string_view text) {
  return escapeHtml(support::escapeControls(text, support::Lines::Multi));
}

std::string slug(std::string_view text) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
      out += static_cast<char>(c);
    } else {
      out += '.';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string number(double value) { return numberText(value); }

std::string coordinate(double value) {
  if (!std::isfinite(value)) value = 0;
  double rounded = std::round(value * 10) / 10;
  if (rounded == 0) rounded = 0;  // no "-0.0"
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", rounded);
  return buf;
}

}  // namespace mlops::emit::dashboard
