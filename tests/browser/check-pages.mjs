#!/usr/bin/env node
// Opens pages in headless Chromium (Debian's /usr/bin/chromium, driven by
// puppeteer-core) and checks what a user of them depends on; see README.md.
//
//   node check-pages.mjs --base DIR|URL --out DIR [--expect FILE] [PAGE...]
//
// For every page, once in the light and once in the dark colour scheme
// (`prefers-color-scheme`), each in a fresh tab:
//   - no console message of level error, no uncaught page error, no failed
//     request (an HTTP status >= 400 included), no Content-Security-Policy
//     violation, and no request outside the base (blocked when it is http(s),
//     reported either way);
//   - the expected texts under their CSS selectors;
//   - every chart (an <svg> matching `charts`) has its data as a <table>: in
//     the same <figure>, a sibling (or a sibling's descendant), or named by
//     aria-describedby / aria-details;
//   - optionally, a strict Content-Security-Policy (`csp`);
//   - a full-page PNG screenshot saved to --out and decoded here: it must not
//     be blank (many distinct colours, no one colour covering nearly all);
//     optionally (`darkDiffers`) the dark one must be darker than the light;
//   - load time (navigation start to the end of the load event), reported.
// In the light scheme, every element matching a `hover` selector is hovered
// and its tooltip must become visible with text.
//
// Writes OUT/summary.json and prints `ok - …` / `FAIL - …` lines. Exit 0 when
// every check passed, 1 when one failed, 2 on a usage error, 3 when the
// browser could not be started.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';

// puppeteer-core is installed outside the source tree (run-check: `npm ci
// --prefix` into a cache named by the lock file's digest), which
// CHECK_PAGES_PREFIX names; ES modules do not search NODE_PATH, so it is
// required from there.
const require = createRequire(path.join(process.env.CHECK_PAGES_PREFIX || import.meta.dirname, 'package.json'));

const USAGE = `usage: check-pages.mjs --base DIR|http://127.0.0.1:PORT/ --out DIR [--expect FILE]
                       [--browser PATH] [--timeout SECONDS] [--width PX] [--height PX] [--warm-up] [PAGE...]
PAGE is a path under the base (default: the keys of the expectations' "pages");
--warm-up loads the first page once, unchecked, before the checks (load times then exclude the browser's start)`;

function usage(message) {
  process.stderr.write(`check-pages: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { pages: [], browser: process.env.CHROMIUM || '/usr/bin/chromium', timeout: 30, width: 1280, height: 800 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--base') opts.base = value();
    else if (a === '--out') opts.out = value();
    else if (a === '--expect') opts.expect = value();
    else if (a === '--browser') opts.browser = value();
    else if (a === '--timeout') opts.timeout = Number(value());
    else if (a === '--width') opts.width = Number(value());
    else if (a === '--height') opts.height = Number(value());
    else if (a === '--warm-up') opts.warmUp = true;
    else if (a === '--help' || a === '-h') { process.stdout.write(`${USAGE}\n`); process.exit(0); }
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else opts.pages.push(a);
  }
  if (!opts.base) usage('--base is required');
  if (!opts.out) usage('--out is required');
  for (const k of ['timeout', 'width', 'height']) {
    if (!(Number.isFinite(opts[k]) && opts[k] > 0)) usage(`--${k} must be a positive number`);
  }
  return opts;
}

// The base as a URL ending in `/`; every request must start with it.
function baseUrl(base) {
  if (/^https?:\/\//.test(base)) {
    const u = new URL(base);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) {
      usage(`the base ${base} is not on this machine (expected http://127.0.0.1:PORT/)`);
    }
    return u.href.endsWith('/') ? u.href : `${u.href}/`;
  }
  const dir = base.startsWith('file://') ? new URL(base).pathname : path.resolve(base);
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) usage(`the base ${base} is not a folder`);
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}

// Expectations: {"defaults": {...}, "pages": {"PAGE": {...}}}; each key a
// page sets replaces the default's whole value (README.md).
const KNOWN_KEYS = new Set(['texts', 'hover', 'charts', 'csp', 'darkDiffers', 'screenshot']);

function loadExpectations(file) {
  if (!file) return { defaults: {}, pages: {} };
  let e;
  try {
    e = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    usage(`cannot read the expectations ${file}: ${err.message}`);
  }
  if (typeof e !== 'object' || e === null || Array.isArray(e)) usage(`${file}: expected a JSON object`);
  const check = (where, o) => {
    if (typeof o !== 'object' || o === null || Array.isArray(o)) usage(`${file}: ${where} must be an object`);
    for (const k of Object.keys(o)) if (!KNOWN_KEYS.has(k)) usage(`${file}: ${where} has an unknown key "${k}"`);
    for (const k of ['texts', 'hover']) if (k in o && !Array.isArray(o[k])) usage(`${file}: ${where}.${k} must be a list`);
    for (const t of o.texts || []) if (!t || typeof t.selector !== 'string') usage(`${file}: ${where}.texts: each needs a "selector"`);
    for (const h of o.hover || []) {
      if (!h || typeof h.selector !== 'string' || typeof h.tooltip !== 'string') {
        usage(`${file}: ${where}.hover: each needs a "selector" and a "tooltip"`);
      }
    }
  };
  check('defaults', e.defaults || {});
  for (const [p, o] of Object.entries(e.pages || {})) check(`pages["${p}"]`, o);
  return { defaults: e.defaults || {}, pages: e.pages || {} };
}

function pageExpectations(exp, page) {
  const d = exp.defaults;
  const p = exp.pages[page] || {};
  return {
    texts: ('texts' in p ? p.texts : d.texts) || [],
    hover: ('hover' in p ? p.hover : d.hover) || [],
    charts: 'charts' in p ? p.charts : 'charts' in d ? d.charts : 'svg',
    csp: Boolean('csp' in p ? p.csp : d.csp),
    darkDiffers: Boolean('darkDiffers' in p ? p.darkDiffers : d.darkDiffers),
    screenshot: { minColours: 16, maxDominant: 0.998, ...(d.screenshot || {}), ...(p.screenshot || {}) },
  };
}

// ---- PNG decoding (8-bit greyscale, RGB or RGBA, alpha or not, non-interlaced: what Chromium writes)

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export function decodePng(buf) {
  if (buf.length < 8 || buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG file');
  let off = 8, width = 0, height = 0, depth = 0, type = 0, interlace = 0;
  const idat = [];
  while (off + 8 <= buf.length) {
    const len = buf.readUInt32BE(off);
    const kind = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (kind === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4);
      depth = data[8]; type = data[9]; interlace = data[12];
    } else if (kind === 'IDAT') idat.push(data);
    else if (kind === 'IEND') break;
    off += 12 + len;
  }
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[type];
  if (depth !== 8 || !channels || interlace !== 0) {
    throw new Error(`unsupported PNG (bit depth ${depth}, colour type ${type}, interlace ${interlace})`);
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length < height * (stride + 1)) throw new Error('truncated PNG data');
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    if (filter > 4) throw new Error(`bad PNG filter ${filter} on row ${y}`);
    const src = y * (stride + 1) + 1, dst = y * stride, prev = dst - stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[dst + x - channels] : 0;
      const b = y > 0 ? out[prev + x] : 0;
      const c = y > 0 && x >= channels ? out[prev + x - channels] : 0;
      const v = raw[src + x];
      out[dst + x] = (filter === 0 ? v : filter === 1 ? v + a : filter === 2 ? v + b
        : filter === 3 ? v + ((a + b) >> 1) : v + paeth(a, b, c)) & 0xff;
    }
  }
  return { width, height, channels, data: out };
}

// Distinct colours, the share of the most common one and the mean luminance
// (0 black .. 1 white), over at most about a million pixels.
export function imageStats(img) {
  const { width, height, channels, data } = img;
  const total = width * height;
  const step = Math.max(1, Math.floor(total / 1_000_000));
  const counts = new Map();
  let n = 0, lum = 0;
  for (let i = 0; i < total; i += step) {
    const o = i * channels;
    const r = data[o], g = channels >= 3 ? data[o + 1] : r, b = channels >= 3 ? data[o + 2] : r;
    const key = (r << 16) | (g << 8) | b;
    counts.set(key, (counts.get(key) || 0) + 1);
    lum += (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    n++;
  }
  let top = 0;
  for (const c of counts.values()) top = Math.max(top, c);
  return { width, height, colours: counts.size, dominant: n ? top / n : 1, luminance: n ? lum / n : 0 };
}

// ---- one page in one scheme

function safeName(page) {
  return page.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '') || 'index';
}

// The CSP's problems for scripts: a strict policy names script sources
// without 'unsafe-inline', 'unsafe-eval', wildcards or whole schemes.
function cspProblems(policies) {
  if (policies.length === 0) return ['no Content-Security-Policy (expected a header or a <meta http-equiv>)'];
  const problems = [];
  for (const policy of policies) {
    const directives = new Map();
    for (const part of policy.split(';')) {
      const [name, ...values] = part.trim().split(/\s+/);
      if (name) directives.set(name.toLowerCase(), values);
    }
    const scripts = directives.get('script-src') || directives.get('default-src');
    if (!scripts) { problems.push(`policy "${policy}" has neither script-src nor default-src`); continue; }
    const loose = scripts.filter((v) => ["'unsafe-inline'", "'unsafe-eval'", '*', 'http:', 'https:', 'data:', 'blob:'].includes(v.toLowerCase()));
    if (loose.length) problems.push(`policy "${policy}" allows scripts from ${loose.join(' ')}`);
    if (!directives.has('object-src') && !directives.has('default-src')) problems.push(`policy "${policy}" does not restrict object-src`);
  }
  return problems;
}

async function openPage(browser, opts, base, page, scheme, exp, result) {
  const fail = (what) => result.failures.push(`${scheme}: ${what}`);
  const tab = await browser.newPage();
  const record = { scheme };
  try {
    await tab.setViewport({ width: opts.width, height: opts.height, deviceScaleFactor: 1 });
    await tab.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
    // A CSP violation fires an event in the page; this listener, installed
    // through the DevTools protocol, is not itself subject to the policy.
    await tab.evaluateOnNewDocument(() => {
      window.__checkPagesCsp = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__checkPagesCsp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline code'}${e.sourceFile ? ` (${e.sourceFile}:${e.lineNumber})` : ''}`);
      });
    });
    await tab.setRequestInterception(true);
    const outside = new Set();
    tab.on('request', (req) => {
      const url = req.url();
      if (url.startsWith(base) || url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank') {
        req.continue().catch(() => {});
      } else {
        outside.add(url);
        req.abort('blockedbyclient').catch(() => {});
      }
    });
    tab.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'assert') {
        const loc = msg.location();
        fail(`console ${msg.type()}: ${msg.text()}${loc && loc.url ? ` (${loc.url}${loc.lineNumber !== undefined ? `:${loc.lineNumber + 1}` : ''})` : ''}`);
      } else if (msg.type() === 'warn') {
        result.warnings.push(`${scheme}: console warning: ${msg.text()}`);
      }
    });
    tab.on('pageerror', (err) => fail(`page error: ${err.message || err}`));
    tab.on('requestfailed', (req) => {
      if (!outside.has(req.url())) fail(`request failed: ${req.url()} (${req.failure()?.errorText || 'unknown error'})`);
    });
    let requests = 0;
    tab.on('response', (res) => {
      requests++;
      if (res.status() >= 400) fail(`request failed: ${res.url()} (HTTP ${res.status()})`);
    });

    const url = new URL(page, base).href;
    let response = null;
    try {
      response = await tab.goto(url, { waitUntil: 'load', timeout: opts.timeout * 1000 });
    } catch (err) {
      fail(`did not load (timeout ${opts.timeout}s): ${err.message}`);
      return record;
    }
    // Let scripts that run on load draw, then take the timings.
    await tab.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const timing = await tab.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0];
      return n ? { load: n.loadEventEnd - n.startTime, dcl: n.domContentLoadedEventEnd - n.startTime, size: n.decodedBodySize } : null;
    });
    if (timing) {
      record.loadMs = Math.round(timing.load * 10) / 10;
      record.domContentLoadedMs = Math.round(timing.dcl * 10) / 10;
      if (timing.size) record.documentBytes = timing.size;
    }
    record.requests = requests;
    for (const u of outside) fail(`request outside the base ${base}: ${u}`);

    // Expected texts.
    for (const t of exp.texts) {
      const found = await tab.$$eval(t.selector, (els) => els.map((e) => e.textContent.replace(/\s+/g, ' ').trim()))
        .catch((err) => { fail(`bad selector ${t.selector}: ${err.message}`); return null; });
      if (found === null) continue;
      const min = t.min ?? 1;
      if (found.length < min) { fail(`expected at least ${min} element(s) matching ${t.selector}, found ${found.length}`); continue; }
      if (t.contains !== undefined && !found.some((s) => s.includes(t.contains))) {
        fail(`no ${t.selector} contains "${t.contains}" (found: ${found.slice(0, 5).map((s) => JSON.stringify(s.slice(0, 80))).join(', ') || 'none'})`);
      }
      if (t.matches !== undefined && !found.some((s) => new RegExp(t.matches).test(s))) {
        fail(`no ${t.selector} matches /${t.matches}/ (found: ${found.slice(0, 5).map((s) => JSON.stringify(s.slice(0, 80))).join(', ') || 'none'})`);
      }
    }

    // Every chart has its data as a table.
    if (exp.charts) {
      const charts = await tab.$$eval(exp.charts, (svgs) => svgs.map((svg, i) => {
        const hasRows = (t) => t && t.tagName === 'TABLE' && t.querySelectorAll('tr').length > 1;
        const tableIn = (el) => el && (el.tagName === 'TABLE' ? el : el.querySelector && el.querySelector('table'));
        let table = null;
        const fig = svg.closest('figure');
        if (fig) table = tableIn(fig) || null;
        for (const attr of ['aria-describedby', 'aria-details']) {
          for (const id of (svg.getAttribute(attr) || '').split(/\s+/).filter(Boolean)) {
            table = table || tableIn(document.getElementById(id));
          }
        }
        for (let s = svg.parentElement && svg.parentElement.firstElementChild; s && !table; s = s.nextElementSibling) {
          if (s !== svg) table = tableIn(s);
        }
        const name = svg.getAttribute('aria-label') || svg.querySelector('title')?.textContent || svg.id || `#${i + 1}`;
        return { name: name.trim().slice(0, 80), table: Boolean(table), rows: hasRows(table) };
      })).catch((err) => { fail(`bad chart selector ${exp.charts}: ${err.message}`); return []; });
      record.charts = charts.length;
      for (const c of charts) {
        if (!c.table) fail(`chart "${c.name}" has no table of its data (expected a <table> in its <figure>, beside it, or named by aria-describedby)`);
        else if (!c.rows) fail(`chart "${c.name}": its table has no data row`);
      }
    }

    if (exp.csp) {
      const policies = await tab.$$eval('meta[http-equiv="Content-Security-Policy" i]', (ms) => ms.map((m) => m.content));
      const header = response && response.headers()['content-security-policy'];
      if (header) policies.push(header);
      for (const p of cspProblems(policies)) fail(p);
    }

    // Hover tooltips (light scheme only: the same script runs in both).
    if (scheme === 'light') {
      record.hovered = 0;
      for (const h of exp.hover) {
        const handles = await tab.$$(h.selector);
        const limit = h.limit ?? handles.length;
        if (handles.length < (h.min ?? 1)) fail(`expected at least ${h.min ?? 1} element(s) matching ${h.selector} to hover, found ${handles.length}`);
        await tab.mouse.move(0, 0);
        const visible = (sel) => {
          const t = document.querySelector(sel);
          if (!t) return null;
          const s = getComputedStyle(t), r = t.getBoundingClientRect();
          const shown = s.display !== 'none' && s.visibility !== 'hidden' && Number(s.opacity) > 0 && r.width > 0 && r.height > 0 && !t.hidden;
          const text = t.textContent.replace(/\s+/g, ' ').trim();
          return shown && text ? text : null;
        };
        // A tooltip shown before any hover would pass every hover below.
        const before = await tab.evaluate(visible, h.tooltip);
        if (before !== null) fail(`${h.tooltip} is visible before any hover ("${before.slice(0, 80)}"): expected it to appear on hover`);
        for (const [i, el] of handles.slice(0, limit).entries()) {
          try {
            await el.hover();
          } catch (err) {
            fail(`cannot hover ${h.selector} #${i + 1}: ${err.message}`);
            continue;
          }
          const text = await tab.waitForFunction(visible, { timeout: 1000, polling: 50 }, h.tooltip)
            .then((v) => v.jsonValue()).catch(() => null);
          record.hovered++;
          if (!text) fail(`hovering ${h.selector} #${i + 1} shows no visible ${h.tooltip} with text`);
          else if (h.text && !new RegExp(h.text).test(text)) fail(`hovering ${h.selector} #${i + 1} shows "${text.slice(0, 80)}", expected /${h.text}/`);
        }
        for (const el of handles) await el.dispose();
      }
      await tab.mouse.move(0, 0);
    }

    // Full-page screenshot, decoded: not blank.
    const file = path.join(opts.out, `${safeName(page)}.${scheme}.png`);
    await tab.screenshot({ path: file, fullPage: true });
    record.screenshot = file;
    try {
      const s = imageStats(decodePng(fs.readFileSync(file)));
      Object.assign(record, { width: s.width, height: s.height, colours: s.colours,
        dominant: Math.round(s.dominant * 10000) / 10000, luminance: Math.round(s.luminance * 1000) / 1000 });
      if (s.colours < exp.screenshot.minColours || s.dominant > exp.screenshot.maxDominant) {
        fail(`the screenshot ${file} looks blank: ${s.colours} colour(s), the most common covering ${(s.dominant * 100).toFixed(2)}%` +
          ` (expected at least ${exp.screenshot.minColours} colours, none over ${(exp.screenshot.maxDominant * 100).toFixed(2)}%)`);
      }
    } catch (err) {
      fail(`cannot decode the screenshot ${file}: ${err.message}`);
    }
    const csp = await tab.evaluate(() => window.__checkPagesCsp || []);
    for (const v of csp) fail(`Content-Security-Policy violation: ${v}`);
  } finally {
    await tab.close().catch(() => {});
  }
  return record;
}

// ---- the browser: started here, killed here, whatever happens

const tmpRoot = process.env.CHECK_PAGES_TMP || os.tmpdir();
let browserProcess = null;
let userDataDir = null;

function killBrowser() {
  if (browserProcess && browserProcess.pid && browserProcess.exitCode === null) {
    // puppeteer starts Chromium as the leader of its own process group.
    try { process.kill(-browserProcess.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  if (userDataDir) {
    // Chromium's last writes may still land while it dies: retry briefly.
    for (let i = 0; i < 20; i++) {
      try { fs.rmSync(userDataDir, { recursive: true, force: true }); break; } catch { spawnSync('sleep', ['0.1']); }
    }
    userDataDir = null;
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  let puppeteer;
  try {
    puppeteer = require('puppeteer-core');
  } catch (err) {
    process.stderr.write(`check-pages: cannot load puppeteer-core (run tests/browser/run-check, which installs it): ${err.message}\n`);
    process.exit(3);
  }
  const base = baseUrl(opts.base);
  const exp = loadExpectations(opts.expect);
  const pages = opts.pages.length ? opts.pages : Object.keys(exp.pages);
  if (pages.length === 0) usage('no page to check (name them, or list them under "pages" in --expect)');
  if (!fs.existsSync(opts.browser)) usage(`no browser at ${opts.browser} (apt-get install chromium, or --browser PATH)`);
  opts.out = path.resolve(opts.out);
  fs.mkdirSync(opts.out, { recursive: true });
  const started = performance.now();

  userDataDir = fs.mkdtempSync(path.join(tmpRoot, 'check-pages-profile-'));
  let browser;
  try {
    browser = await puppeteer.launch({
      executablePath: opts.browser,
      headless: true, // --headless=new
      userDataDir,
      // --no-sandbox: Chromium's sandbox needs unprivileged user namespaces or
      // a setuid helper, which containers (and root) do not have; the pages
      // are our own generated files, served from this machine.
      // The resolver maps every host name to nowhere, so even a request this
      // script does not intercept cannot leave the machine.
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-extensions', '--disable-component-update',
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1', '--lang=en-US'],
      env: { ...process.env, HOME: userDataDir },
      timeout: opts.timeout * 1000,
      protocolTimeout: opts.timeout * 4000,
    });
  } catch (err) {
    process.stderr.write(`check-pages: cannot start ${opts.browser}: ${err.message}\n`);
    killBrowser();
    process.exit(3);
  }
  browserProcess = browser.process();
  if (process.env.CHECK_PAGES_TMP && browserProcess) {
    fs.writeFileSync(path.join(process.env.CHECK_PAGES_TMP, 'browser.pid'), `${browserProcess.pid}\n`);
  }
  const summary = { base, browser: await browser.version(), pages: [] };
  try {
    if (opts.warmUp) {
      const tab = await browser.newPage();
      await tab.goto(new URL(pages[0], base).href, { waitUntil: 'load', timeout: opts.timeout * 1000 }).catch(() => {});
      await tab.close().catch(() => {});
    }
    for (const page of pages) {
      const e = pageExpectations(exp, page);
      const result = { page, failures: [], warnings: [], schemes: {} };
      for (const scheme of ['light', 'dark']) {
        result.schemes[scheme] = await openPage(browser, opts, base, page, scheme, e, result);
      }
      const { light, dark } = result.schemes;
      if (e.darkDiffers && light.luminance !== undefined && dark.luminance !== undefined && !(dark.luminance < light.luminance - 0.05)) {
        result.failures.push(`the dark scheme is not darker than the light one (mean luminance ${dark.luminance} against ${light.luminance})`);
      }
      result.loadMs = Math.max(light.loadMs ?? 0, dark.loadMs ?? 0);
      result.ok = result.failures.length === 0;
      summary.pages.push(result);
      const line = `${page}: load ${light.loadMs ?? '?'} ms light, ${dark.loadMs ?? '?'} ms dark; ${light.charts ?? 0} chart(s), ${light.hovered ?? 0} hovered`;
      if (result.ok) process.stdout.write(`ok - ${line}\n`);
      else process.stdout.write(`FAIL - ${line}\n${result.failures.map((f) => `    ${f}\n`).join('')}`);
      for (const w of result.warnings) process.stdout.write(`    note: ${w}\n`);
    }
  } finally {
    await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    killBrowser();
  }
  summary.ok = summary.pages.every((p) => p.ok);
  summary.maxLoadMs = Math.max(...summary.pages.map((p) => p.loadMs));
  summary.totalMs = Math.round(performance.now() - started);
  fs.writeFileSync(path.join(opts.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  const failed = summary.pages.filter((p) => !p.ok).length;
  process.stdout.write(`${summary.pages.length - failed} of ${summary.pages.length} page(s) passed; slowest load ${summary.maxLoadMs} ms; ` +
    `screenshots and summary.json in ${opts.out}\n`);
  process.exitCode = failed ? 1 : 0;
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => { killBrowser(); process.exit(sig === 'SIGINT' ? 130 : 143); });
}
process.on('exit', killBrowser);
main().catch((err) => {
  process.stderr.write(`check-pages: ${err.stack || err}\n`);
  killBrowser();
  process.exit(1);
});
