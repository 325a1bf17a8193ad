// The dashboard's two assets, served and written beside the pages: one
// style sheet (light and dark schemes through `prefers-color-scheme`) and
// one small script that shows a chart point's `data-tip` at once on hover
// or keyboard focus. Both are files of their own because the pages'
// Content-Security-Policy allows no inline style or script.
#pragma once

#include <string_view>

namespace mlops::emit::dashboard {

extern const std::string_view kStyleSheet;  // dashboard.css
extern const std::string_view kScript;      // dashboard.js

}  // namespace mlops::emit::dashboard
