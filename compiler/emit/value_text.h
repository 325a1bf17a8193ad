// Numbers, durations and sizes as a spec writes them, for generated text
// (graph labels, audit reports): `0.75`, `1h`, `8Gi`.
#pragma once

#include <string>

namespace mlops::emit {

// The shortest text that reads back as `v`; a long binary tail (7% is
// 0.07000000000000001 in the IR) is cut to 12 significant digits.
std::string numberText(double v);
// Whole multiples get the largest unit that divides them (3600 → `1h`).
std::string durationText(double seconds);
// Whole multiples of a binary unit get it (8589934592 → `8Gi`).
std::string bytesText(double amount);

}  // namespace mlops::emit
