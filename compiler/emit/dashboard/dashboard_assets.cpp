#include "emit/dashboard/dashboard_assets.h"

namespace mlops::emit::dashboard {

const std::string_view kStyleSheet = R"css(:root {
  color-scheme: light dark;
  --fg: #1f2328; --muted: #656d76; --bg: #ffffff; --panel: #f6f8fa; --border: #d0d7de; --link: #0550ae;
  --good: #116329; --good-bg: #dafbe1; --bad: #82071e; --bad-bg: #ffebe9; --warn: #7d4e00; --warn-bg: #fff8c5;
  --grid: #e5e7eb; --axis: #8c959f; --target: #cf222e;
  --s0: #0969da; --s1: #bf3989; --s2: #1a7f37; --s3: #9a6700; --s4: #8250df; --s5: #0a7d8c;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e6edf3; --muted: #8d96a0; --bg: #0d1117; --panel: #161b22; --border: #30363d; --link: #58a6ff;
    --good: #3fb950; --good-bg: #12261e; --bad: #ff7b72; --bad-bg: #2d1214; --warn: #d29922; --warn-bg: #2b2111;
    --grid: #262c36; --axis: #6e7681; --target: #f85149;
    --s0: #58a6ff; --s1: #f778ba; --s2: #3fb950; --s3: #d29922; --s4: #bc8cff; --s5: #39c5cf;
  }
}
* { box-sizing: border-box; }
body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
header.top { background: var(--panel); border-bottom: 1px solid var(--border); padding: .6rem 1.5rem; display: flex; flex-wrap: wrap; gap: .4rem 1.5rem; align-items: baseline; }
header.top .project { font-weight: 700; font-size: 1.05rem; }
nav.pages a { margin-right: 1rem; color: var(--link); text-decoration: none; }
nav.pages a[aria-current="page"] { color: var(--fg); font-weight: 700; border-bottom: 2px solid var(--fg); }
main { max-width: 76rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; margin: .6rem 0 .4rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid var(--border); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
a { color: var(--link); }
p.doc { white-space: pre-line; margin: .2rem 0 .6rem; }
.muted { color: var(--muted); }
table { border-collapse: collapse; margin: .4rem 0 1rem; width: 100%; }
th, td { border: 1px solid var(--border); padding: .25rem .5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: var(--panel); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font: 12px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
pre.log { background: var(--panel); border: 1px solid var(--border); padding: .6rem; overflow-x: auto; max-height: 28rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.badge { display: inline-block; white-space: nowrap; padding: 0 .45rem; border-radius: 1rem; font-weight: 600; font-size: .85rem; border: 1px solid currentColor; }
.good { color: var(--good); background: var(--good-bg); }
.bad { color: var(--bad); background: var(--bad-bg); }
.warn { color: var(--warn); background: var(--warn-bg); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(30rem, 1fr)); gap: 1rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(26rem, 1fr)); gap: 0 1.5rem; }
table.facts { width: auto; min-width: 50%; }
table.facts th { width: 11rem; }
.card { border: 1px solid var(--border); border-radius: 6px; padding: .6rem .9rem; background: var(--bg); }
.card h3 { margin-top: .2rem; }
.strip { display: flex; flex-wrap: wrap; gap: 2px; }
.strip span { display: inline-block; min-width: 1.1rem; text-align: center; border-radius: 3px; font-size: .75rem; line-height: 1.1rem; }
figure.chart { margin: .6rem 0 1.2rem; }
figure.chart figcaption { font-weight: 600; margin-bottom: .2rem; }
figure.chart svg { width: 100%; max-width: 48rem; height: auto; display: block; }
figure.chart text { font-size: 11px; fill: var(--muted); }
figure.chart text.label { fill: var(--fg); }
figure.chart text.value { fill: var(--fg); }
figure.chart text.target-label { fill: var(--target); }
figure.chart .grid { stroke: var(--grid); stroke-width: 1; }
figure.chart .axis { stroke: var(--axis); stroke-width: 1; }
figure.chart .target { stroke: var(--target); stroke-width: 1.5; stroke-dasharray: 5 4; }
figure.chart polyline.line { fill: none; stroke-width: 2; }
figure.chart .pt { stroke: var(--bg); stroke-width: 1; }
figure.chart .pt:hover, figure.chart .pt:focus, figure.chart .bar:hover, figure.chart .bar:focus { stroke: var(--fg); stroke-width: 2; outline: none; }
.s0 { stroke: var(--s0); fill: var(--s0); } .s1 { stroke: var(--s1); fill: var(--s1); } .s2 { stroke: var(--s2); fill: var(--s2); }
.s3 { stroke: var(--s3); fill: var(--s3); } .s4 { stroke: var(--s4); fill: var(--s4); } .s5 { stroke: var(--s5); fill: var(--s5); }
polyline.line.s0, polyline.line.s1, polyline.line.s2, polyline.line.s3, polyline.line.s4, polyline.line.s5 { fill: none; }
figure.chart rect.bar { fill: var(--s0); }
figure.plot { margin: .6rem 0 1.2rem; }
figure.plot figcaption { font-weight: 600; margin-bottom: .2rem; }
figure.plot svg { width: 100%; max-width: 40rem; height: auto; display: block; color: var(--fg); }
figure.plot .grid { stroke: var(--grid); stroke-opacity: 1; }
figure.plot .axis { stroke: var(--axis); }
figure.plot polyline.series { stroke: var(--s0); }
figure.plot circle.series, figure.plot rect.series { fill: var(--s0); }
figure.chart rect.bar.over { fill: var(--target); }
ul.legend { list-style: none; padding: 0; margin: .2rem 0; display: flex; gap: 1rem; }
ul.legend .key { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin-right: .3rem; vertical-align: middle; background: currentColor; }
ul.legend .key.s0 { color: var(--s0); } ul.legend .key.s1 { color: var(--s1); } ul.legend .key.s2 { color: var(--s2); }
ul.legend .key.s3 { color: var(--s3); } ul.legend .key.s4 { color: var(--s4); } ul.legend .key.s5 { color: var(--s5); }
details summary { cursor: pointer; color: var(--muted); }
figure.graph { margin: .6rem 0; overflow-x: auto; background: #ffffff; border: 1px solid var(--border); border-radius: 6px; }
figure.graph svg { max-width: 100%; height: auto; }
#tip { position: absolute; z-index: 10; pointer-events: none; background: var(--fg); color: var(--bg); padding: .25rem .5rem; border-radius: 4px; font-size: 12px; max-width: 28rem; }
#tip[hidden] { display: none; }
footer { color: var(--muted); font-size: .85rem; margin-top: 3rem; }
)css";

// No eval, no inline handlers, no markup from data: the tip's text is set
// with textContent, so a title or data-tip can never become HTML. A chart's
// point or bar carries its text in its SVG <title>; a result strip's mark
// in data-tip.
const std::string_view kScript = R"js("use strict";
(function () {
  var tip = document.createElement("div");
  tip.id = "tip";
  tip.hidden = true;
  tip.setAttribute("role", "tooltip");
  document.body.appendChild(tip);
  function text(el) {
    if (el.hasAttribute("data-tip")) return el.getAttribute("data-tip");
    var title = el.querySelector("title");
    return title ? title.textContent : "";
  }
  function show(el) {
    tip.textContent = text(el);
    tip.hidden = false;
    var box = el.getBoundingClientRect();
    var left = window.scrollX + box.left + box.width / 2 - tip.offsetWidth / 2;
    var maxLeft = window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 4;
    tip.style.left = Math.max(window.scrollX + 4, Math.min(left, maxLeft)) + "px";
    tip.style.top = (window.scrollY + box.top - tip.offsetHeight - 6) + "px";
  }
  function hide() { tip.hidden = true; }
  function target(event) {
    var el = event.target;
    return el && el.closest ? el.closest("[data-tip], .pt, .bar") : null;
  }
  document.addEventListener("mouseover", function (event) { var el = target(event); if (el) show(el); });
  document.addEventListener("focusin", function (event) { var el = target(event); if (el) show(el); });
  document.addEventListener("mouseout", function (event) { if (target(event)) hide(); });
  document.addEventListener("focusout", hide);
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") hide(); });
})();
)js";

}  // namespace mlops::emit::dashboard
