#include "emit/value_text.h"

#include <charconv>
#include <cmath>
#include <utility>

namespace mlops::emit {

std::string numberText(double v) {
  char buf[40];
  std::string text(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
  if (text.size() <= 12) return text;
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 12).ptr);
}

std::string durationText(double seconds) {
  static const std::pair<double, const char*> units[] = {{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  for (const auto& [size, unit] : units)
    if (seconds >= size && std::fmod(seconds, size) == 0) return numberText(seconds / size) + unit;
  return numberText(seconds) + "s";
}

std::string bytesText(double amount) {
  static const std::pair<double, const char*> units[] = {
      {1099511627776.0, "Ti"}, {1073741824.0, "Gi"}, {1048576.0, "Mi"}, {1024, "Ki"}};
  for (const auto& [size, unit] : units)
    if (amount >= size && std::fmod(amount, size) == 0) return numberText(amount / size) + unit;
  return numberText(amount);
}

}  // namespace mlops::emit
