#!/usr/bin/env node
// Drives `mlopsc lsp` with Microsoft's own LSP client libraries, the ones VS
// Code's language client is built on: vscode-jsonrpc (framing, requests,
// errors) and vscode-languageserver-protocol (the typed LSP 3.17 messages).
// Run by tests/e2e/lsp_node.sh after `npm ci`; by hand:
//
//   npm ci && MLOPSC=/path/to/mlopsc MLOPS_SOURCE_DIR=/path/to/source node lsp_client_test.js
//
// Works on a copy of examples/credit-risk in a temporary folder (so the
// import of teams.mlops resolves and nothing in the source tree changes):
// lifecycle and capabilities; diagnostics on open, after an incremental edit
// that misspells a role (E0201 with its did-you-mean, link and line) and
// after undoing it; the quick fix; hover on a role and on a property;
// definition and references across the import; completion (property names,
// roles after `owner =`, tests in `require = [`, enum values, units);
// prepareRename and rename across both files, refused on a clash and on a
// keyword; formatting of a mis-indented document equals `mlopsc fmt`;
// unused-role tag and related information of a second document; document
// symbols; MethodNotFound; shutdown and exit with status 0.
//
// Prints `ok - ...` or `FAIL - ...` per check, then `N passed, M failed`;
// exits 1 on any failure, and on the global timeout (MLOPS_LSP_TIMEOUT
// seconds, default 60).
'use strict';

const assert = require('node:assert/strict');
const childProcess = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL, fileURLToPath } = require('node:url');

const rpc = require('vscode-jsonrpc/node');
const {
  InitializeRequest, InitializedNotification, DidOpenTextDocumentNotification, DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification, PublishDiagnosticsNotification, HoverRequest, DefinitionRequest, ReferencesRequest,
  CompletionRequest, PrepareRenameRequest, RenameRequest, DocumentFormattingRequest, DocumentSymbolRequest,
  CodeActionRequest, ShutdownRequest, ExitNotification, LogMessageNotification, TextDocumentSyncKind,
  DiagnosticSeverity, DiagnosticTag, CodeActionKind, CompletionItemKind, CompletionTriggerKind, SymbolKind,
  MarkupKind, ErrorCodes, LSPErrorCodes,
} = require('vscode-languageserver-protocol');

// ------------------------------------------------------------------ setup

const MLOPSC = process.env.MLOPSC;
const SOURCE = process.env.MLOPS_SOURCE_DIR || path.resolve(__dirname, '../../..');
const TIMEOUT_S = Number(process.env.MLOPS_LSP_TIMEOUT || 60);
if (!MLOPSC || !fs.existsSync(MLOPSC)) {
  console.log(`FAIL - MLOPSC=${MLOPSC || '(unset)'} is not the mlopsc binary`);
  process.exit(1);
}
const example = path.join(SOURCE, 'examples', 'credit-risk');
const work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-lsp-node-')));
const dir = path.join(work, 'credit-risk');
fs.cpSync(example, dir, { recursive: true });

const mainPath = path.join(dir, 'credit_risk.mlops');
const teamsPath = path.join(dir, 'teams.mlops');
const mainUri = pathToFileURL(mainPath).href;
const teamsUri = pathToFileURL(teamsPath).href;
const original = fs.readFileSync(mainPath, 'utf8');
const teamsText = fs.readFileSync(teamsPath, 'utf8');

let passed = 0;
let failed = 0;
let step = 'start';
const stderrChunks = [];
const logMessages = [];

function cleanup() {
  try { fs.rmSync(work, { recursive: true, force: true }); } catch (_) { /* best effort */ }
}

function serverStderr() {
  const text = Buffer.concat(stderrChunks).toString('utf8').trim();
  return text ? `\n    server stderr:\n${text.split('\n').slice(0, 20).map((l) => '      | ' + l).join('\n')}` : '';
}

const server = childProcess.spawn(MLOPSC, ['lsp'], { stdio: ['pipe', 'pipe', 'pipe'] });
server.stderr.on('data', (b) => stderrChunks.push(b));
let serverExit = null;
let exitExpected = false;  // set when the exit notification is sent

// Ends the test at once: a crash, a hang, a server that went away.
function abort(message) {
  console.log(`FAIL - ${message}${serverStderr()}`);
  console.log(`${passed} passed, ${failed + 1} failed`);
  if (!serverExit) server.kill('SIGKILL');
  cleanup();
  process.exit(1);
}

const exited = new Promise((resolve) => {
  server.on('exit', (code, signal) => {
    serverExit = { code, signal };
    resolve(serverExit);
    // Let the pending output be read first, then fail unless the test asked for it.
    if (!exitExpected) {
      setTimeout(() => abort(`the server exited unexpectedly (code ${code}, signal ${signal}) during: ${step}`), 200);
    }
  });
});
server.on('error', (e) => abort(`could not start ${MLOPSC} lsp: ${e.message}`));
server.stdin.on('error', (e) => {
  if (!exitExpected) abort(`writing to the server failed (${e.code || e.message}) during: ${step}`);
});
process.on('uncaughtException', (e) => abort(`uncaught exception during ${step}: ${(e && e.stack) || e}`));
process.on('unhandledRejection', (e) => abort(`unhandled rejection during ${step}: ${(e && e.stack) || e}`));

const globalTimer = setTimeout(
  () => abort(`timeout: the test did not finish within ${TIMEOUT_S} s (stuck at: ${step})`), TIMEOUT_S * 1000);

const connection = rpc.createMessageConnection(
  new rpc.StreamMessageReader(server.stdout), new rpc.StreamMessageWriter(server.stdin));

// Diagnostics: the last list per URI, and waiters for a version.
const diagnostics = new Map();
const waiters = [];
connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
  diagnostics.set(params.uri, params);
  for (let i = waiters.length - 1; i >= 0; --i) {
    const w = waiters[i];
    if (sameFile(w.uri, params.uri) && (params.version === undefined || params.version >= w.version)) {
      waiters.splice(i, 1);
      w.resolve(params);
    }
  }
});
connection.onNotification(LogMessageNotification.type, (params) => logMessages.push(params));
connection.onError(([error]) => console.log(`# connection error: ${error && error.message}`));
connection.listen();

function waitForDiagnostics(uri, version) {
  return new Promise((resolve) => waiters.push({ uri, version, resolve }));
}

// ------------------------------------------------------------------ helpers

function sameFile(a, b) {
  try {
    return fs.realpathSync(fileURLToPath(a)) === fs.realpathSync(fileURLToPath(b));
  } catch (_) {
    return fileURLToPath(a) === fileURLToPath(b);
  }
}

// Offset of an LSP position (UTF-16 code units: JavaScript string indices).
function offsetAt(text, pos) {
  let offset = 0;
  for (let line = 0; line < pos.line; ++line) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return Math.min(offset + pos.character, text.length);
}

// Applies TextEdits (non-overlapping, positions in the original text).
function applyEdits(text, edits) {
  const sorted = edits.map((e) => ({ from: offsetAt(text, e.range.start), to: offsetAt(text, e.range.end), text: e.newText }))
    .sort((x, y) => y.from - x.from || y.to - x.to);
  for (const e of sorted) text = text.slice(0, e.from) + e.text + text.slice(e.to);
  return text;
}

function lineOf(text, regex) {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => regex.test(l));
  assert.ok(i >= 0, `no line matches ${regex}`);
  return i;
}

// The position of `word` (its first character + delta) on the first line matching `regex`.
function positionOf(text, regex, word, delta = 0) {
  const line = lineOf(text, regex);
  const character = text.split('\n')[line].indexOf(word);
  assert.ok(character >= 0, `\`${word}\` is not on line ${line + 1}`);
  return { line, character: character + delta };
}

function markdown(hover) {
  assert.ok(hover, 'no hover');
  const c = hover.contents;
  assert.equal(c.kind, MarkupKind.Markdown, 'hover contents are markdown');
  return c.value;
}

function locations(result) {
  if (!result) return [];
  const list = Array.isArray(result) ? result : [result];
  return list.map((l) => (l.targetUri ? { uri: l.targetUri, range: l.targetSelectionRange } : l));
}

function where(l) {
  return `${path.basename(fileURLToPath(l.uri))}:${l.range.start.line}:${l.range.start.character}`;
}

async function check(name, fn) {
  step = name;
  try {
    await fn();
    passed += 1;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed += 1;
    const detail = e instanceof assert.AssertionError ? e.message : (e && e.stack) || String(e);
    console.log(`FAIL - ${name}\n${String(detail).split('\n').map((l) => '    ' + l).join('\n')}`);
  }
}

async function expectError(promise, code) {
  try {
    const result = await promise;
    assert.fail(`expected an error ${code}, got the result ${JSON.stringify(result)}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    assert.ok(e instanceof rpc.ResponseError, `expected a ResponseError, got ${e}`);
    assert.equal(e.code, code, `error code (message: ${e.message})`);
    return e;
  }
}

// A document the test keeps in step with the server's copy.
class Doc {
  constructor(uri, text) {
    this.uri = uri;
    this.text = text;
    this.version = 1;
  }
  async open() {
    const published = waitForDiagnostics(this.uri, this.version);
    await connection.sendNotification(DidOpenTextDocumentNotification.type,
      { textDocument: { uri: this.uri, languageId: 'mlops', version: this.version, text: this.text } });
    return published;
  }
  // Incremental changes, applied one after the other like an editor sends them.
  async change(...changes) {
    this.version += 1;
    for (const c of changes) this.text = applyEdits(this.text, [{ range: c.range, newText: c.text }]);
    const published = waitForDiagnostics(this.uri, this.version);
    await connection.sendNotification(DidChangeTextDocumentNotification.type,
      { textDocument: { uri: this.uri, version: this.version }, contentChanges: changes });
    return published;
  }
  async replaceAll(text) {
    this.version += 1;
    this.text = text;
    const published = waitForDiagnostics(this.uri, this.version);
    await connection.sendNotification(DidChangeTextDocumentNotification.type,
      { textDocument: { uri: this.uri, version: this.version }, contentChanges: [{ text }] });
    return published;
  }
}

const errorsOf = (p) => p.diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
const show = (list) => JSON.stringify(list.map((d) => `${d.code} ${d.range.start.line}:${d.range.start.character} ${d.message}`));

// ------------------------------------------------------------------ the scenario

async function main() {
  const main = new Doc(mainUri, original);

  let init;
  await check('initialize: the server answers with its capabilities', async () => {
    init = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      clientInfo: { name: 'mlopsc lsp_client_test (vscode-languageserver-protocol)' },
      rootUri: pathToFileURL(dir).href,
      workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'credit-risk' }],
      capabilities: {
        general: { positionEncodings: ['utf-16'] },
        textDocument: {
          synchronization: { dynamicRegistration: false, didSave: true },
          publishDiagnostics: { relatedInformation: true, tagSupport: { valueSet: [DiagnosticTag.Unnecessary] },
            versionSupport: true, codeDescriptionSupport: true },
          hover: { contentFormat: [MarkupKind.Markdown, MarkupKind.PlainText] },
          completion: { completionItem: { snippetSupport: false, documentationFormat: [MarkupKind.Markdown] } },
          definition: { linkSupport: false },
          rename: { prepareSupport: true },
          documentSymbol: { hierarchicalDocumentSymbolSupport: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: [CodeActionKind.QuickFix] } } },
        },
      },
    });
    assert.ok(init && init.capabilities, 'an InitializeResult with capabilities');
  });
  if (!init) abort('initialize failed: nothing else can be tested');
  const caps = init.capabilities;

  await check('capabilities: incremental sync, open/close, utf-16 positions, serverInfo mlopsc', async () => {
    assert.equal(caps.textDocumentSync.change, TextDocumentSyncKind.Incremental);
    assert.equal(caps.textDocumentSync.openClose, true);
    assert.equal(caps.positionEncoding, 'utf-16');
    assert.equal(init.serverInfo.name, 'mlopsc');
  });
  await check('capabilities: hover, definition, references, rename with prepare, symbols, formatting', async () => {
    assert.equal(caps.hoverProvider, true);
    assert.equal(caps.definitionProvider, true);
    assert.equal(caps.referencesProvider, true);
    assert.deepEqual(caps.renameProvider, { prepareProvider: true });
    assert.equal(caps.documentSymbolProvider, true);
    assert.equal(caps.documentFormattingProvider, true);
  });
  await check('capabilities: completion triggered by = and space, quick-fix code actions', async () => {
    assert.ok(caps.completionProvider, 'completionProvider');
    for (const c of ['=', ' ', '[']) assert.ok(caps.completionProvider.triggerCharacters.includes(c), `trigger ${JSON.stringify(c)}`);
    assert.ok(caps.codeActionProvider.codeActionKinds.includes(CodeActionKind.QuickFix));
  });
  await connection.sendNotification(InitializedNotification.type, {});

  // ---- diagnostics
  await check('didOpen credit_risk.mlops: diagnostics published for version 1, no errors', async () => {
    const p = await main.open();
    assert.equal(p.version, 1);
    assert.deepEqual(errorsOf(p), [], `errors: ${show(errorsOf(p))}`);
    assert.deepEqual(p.diagnostics, [], `the example is clean: ${show(p.diagnostics)}`);
  });

  const ownerAt = positionOf(original, /^\s*owner\s*=\s*modelers\b/, 'modelers');
  let e0201;
  await check('incremental edit modelers -> modelerz: E0201 on that line, with its did-you-mean', async () => {
    const last = { line: ownerAt.line, character: ownerAt.character + 7 };
    const p = await main.change({ range: { start: last, end: { line: last.line, character: last.character + 1 } }, text: 'z' });
    assert.ok(main.text.split('\n')[ownerAt.line].endsWith('modelerz'), 'the edit is where it should be');
    assert.equal(p.version, 2);
    const errors = errorsOf(p);
    assert.equal(errors.length, 1, `one error: ${show(p.diagnostics)}`);
    e0201 = errors[0];
    assert.equal(e0201.code, 'E0201');
    assert.equal(e0201.source, 'mlopsc');
    assert.deepEqual(e0201.range, { start: ownerAt, end: { line: ownerAt.line, character: ownerAt.character + 8 } });
    assert.match(e0201.message, /`modelerz`/);
    assert.match(e0201.message, /did you mean `modelers`\?/);
  });
  await check('E0201: codeDescription.href links to the code in the diagnostics docs', async () => {
    assert.ok(e0201 && e0201.codeDescription, 'codeDescription');
    assert.match(e0201.codeDescription.href, /^file:\/\/.*#e0201$/);
    const doc = fileURLToPath(e0201.codeDescription.href.replace(/#.*$/, ''));
    assert.ok(fs.existsSync(doc), `${doc} exists`);
  });

  await check('codeAction on E0201: a preferred quick fix whose edit restores `modelers`', async () => {
    assert.ok(e0201, 'the E0201 diagnostic');
    const actions = await connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: main.uri }, range: e0201.range,
      context: { diagnostics: [e0201], only: [CodeActionKind.QuickFix] },
    });
    assert.ok(Array.isArray(actions) && actions.length === 1, `one action: ${JSON.stringify(actions)}`);
    const a = actions[0];
    assert.equal(a.kind, CodeActionKind.QuickFix);
    assert.equal(a.isPreferred, true);
    assert.match(a.title, /modelers/);
    assert.equal(a.diagnostics[0].code, 'E0201');
    const edits = a.edit.changes[main.uri];
    assert.ok(edits && edits.length >= 1, `edits for ${main.uri}: ${JSON.stringify(a.edit)}`);
    assert.equal(applyEdits(main.text, edits), original);
  });
  await check('codeAction on a range away from any fix-it: no actions', async () => {
    const actions = await connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: main.uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 2 } },
      context: { diagnostics: [] },
    });
    assert.deepEqual(actions, []);
  });

  await check('undo the edit: diagnostics clear (version 3)', async () => {
    const from = { line: ownerAt.line, character: ownerAt.character + 7 };
    const p = await main.change({ range: { start: from, end: { line: from.line, character: from.character + 1 } }, text: 's' });
    assert.equal(main.text, original);
    assert.equal(p.version, 3);
    assert.deepEqual(p.diagnostics, [], show(p.diagnostics));
  });

  // ---- hover
  const validatorsAt = positionOf(original, /approvals\s*=\s*\[2 of validators/, 'validators', 3);
  await check('hover on the role reference `validators`: kind, base, doc, members, permissions, file', async () => {
    const h = await connection.sendRequest(HoverRequest.type, { textDocument: { uri: main.uri }, position: validatorsAt });
    const text = markdown(h);
    assert.match(text, /```mlops\nrole validators : model_risk_manager\n```/);
    assert.match(text, /Independent model risk management/);
    assert.match(text, /\*\*members:\*\* carol@bank\.example, grace@bank\.example/);
    assert.match(text, /\*\*permissions:\*\* .*approve/);
    assert.match(text, /declared in `teams\.mlops`/);
    const start = validatorsAt.character - 3;
    assert.deepEqual(h.range, { start: { line: validatorsAt.line, character: start },
      end: { line: validatorsAt.line, character: start + 'validators'.length } });
  });
  await check('hover on the property name `freshness`: its type and documentation', async () => {
    const at = positionOf(original, /^\s*freshness\s*=/, 'freshness', 2);
    const text = markdown(await connection.sendRequest(HoverRequest.type, { textDocument: { uri: main.uri }, position: at }));
    assert.match(text, /```mlops\nfreshness : /);
    assert.match(text, /stale/);
    assert.match(text, /optional in data/);
  });
  await check('hover on whitespace: null', async () => {
    const h = await connection.sendRequest(HoverRequest.type, { textDocument: { uri: main.uri }, position: { line: 3, character: 0 } });
    assert.equal(h, null);
  });

  // ---- definition and references
  const roleLine = lineOf(teamsText, /^role validators\b/);
  await check('definition of `validators` lands in teams.mlops on the role\'s name', async () => {
    const result = await connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: main.uri }, position: validatorsAt });
    const locs = locations(result);
    assert.equal(locs.length, 1, JSON.stringify(result));
    assert.ok(sameFile(locs[0].uri, teamsUri), `uri ${locs[0].uri}`);
    assert.deepEqual(locs[0].range, { start: { line: roleLine, character: 5 }, end: { line: roleLine, character: 15 } });
  });
  await check('definition of the model `scorer` in `gate production for scorer`: same file, its name', async () => {
    const at = positionOf(original, /^gate production for scorer/, 'scorer', 1);
    const locs = locations(await connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: main.uri }, position: at }));
    const decl = positionOf(original, /^model scorer\b/, 'scorer');
    assert.equal(locs.length, 1);
    assert.ok(sameFile(locs[0].uri, main.uri), locs[0].uri);
    assert.deepEqual(locs[0].range.start, decl);
  });
  const alertAt = positionOf(original, /^\s*alert\s*=\s*\[validators/, 'validators');
  await check('references of `validators` with the declaration: teams.mlops and both uses', async () => {
    const refs = await connection.sendRequest(ReferencesRequest.type,
      { textDocument: { uri: main.uri }, position: validatorsAt, context: { includeDeclaration: true } });
    const got = refs.map(where).sort();
    const want = [`credit_risk.mlops:${validatorsAt.line}:${validatorsAt.character - 3}`,
      `credit_risk.mlops:${alertAt.line}:${alertAt.character}`, `teams.mlops:${roleLine}:5`].sort();
    assert.deepEqual(got, want);
  });
  await check('references of `validators` without the declaration: the two uses', async () => {
    const refs = await connection.sendRequest(ReferencesRequest.type,
      { textDocument: { uri: main.uri }, position: alertAt, context: { includeDeclaration: false } });
    assert.deepEqual(refs.map(where).sort(), [`credit_risk.mlops:${validatorsAt.line}:${validatorsAt.character - 3}`,
      `credit_risk.mlops:${alertAt.line}:${alertAt.character}`].sort());
  });

  // ---- completion
  const teamRoles = ['modelers', 'pipeline_eng', 'platform', 'risk_owner', 'validators'];
  const nonRoles = ['scorer', 'auc_floor', 'income_drift', 'production', 'applications', 'features', 'approval_rate'];
  const envLine = lineOf(original, /^\s*environment\s*=\s*"production"/);
  const envEnd = { line: envLine, character: original.split('\n')[envLine].length };
  const newLine = { line: envLine + 1, character: 2 };
  const complete = (position, triggerCharacter) => connection.sendRequest(CompletionRequest.type, {
    textDocument: { uri: main.uri }, position,
    context: triggerCharacter ? { triggerKind: CompletionTriggerKind.TriggerCharacter, triggerCharacter }
      : { triggerKind: CompletionTriggerKind.Invoked },
  });
  const labels = (r) => (Array.isArray(r) ? r : r.items).map((i) => i.label);
  const items = (r) => (Array.isArray(r) ? r : r.items);

  await check('completion on a new line in the gate: the properties not yet set (owner, description, when)', async () => {
    await main.change({ range: { start: envEnd, end: envEnd }, text: '\n  ' });
    const r = await complete(newLine);
    assert.deepEqual(labels(r).sort(), ['description', 'owner', 'when']);
    assert.ok(items(r).every((i) => i.kind === CompletionItemKind.Property), JSON.stringify(items(r)));
  });
  await check('completion after typing `owner = ` in the gate: roles only, no models or tests', async () => {
    await main.change({ range: { start: newLine, end: newLine }, text: 'owner = ' });
    const r = await complete({ line: newLine.line, character: newLine.character + 'owner = '.length }, ' ');
    const got = labels(r);
    for (const role of teamRoles) assert.ok(got.includes(role), `offers ${role}: ${got}`);
    for (const other of nonRoles) assert.ok(!got.includes(other), `does not offer ${other}: ${got}`);
    assert.ok(items(r).every((i) => i.kind === CompletionItemKind.Class && /^role\b/.test(i.detail)),
      `every item is a role: ${JSON.stringify(items(r).map((i) => [i.label, i.kind, i.detail]))}`);
  });
  await check('remove the typed line again: no diagnostics', async () => {
    const p = await main.change({ range: { start: envEnd, end: { line: newLine.line, character: newLine.character + 8 } }, text: '' });
    assert.equal(main.text, original);
    assert.deepEqual(p.diagnostics, [], show(p.diagnostics));
  });
  await check('completion inside `require = [` of the gate: tests only', async () => {
    const at = positionOf(original, /^\s*require\s*=\s*\[/, '[', 1);
    const r = await complete(at, '[');
    assert.deepEqual(labels(r).sort(), ['auc_floor', 'income_drift', 'no_regression']);
    assert.ok(items(r).every((i) => i.detail === 'test'), JSON.stringify(items(r)));
  });
  await check('completion after `risk_tier = `: the enum values', async () => {
    const at = positionOf(original, /^\s*risk_tier\s*=/, 'high');
    const r = await complete(at, ' ');
    assert.deepEqual(labels(r).sort(), ['high', 'low', 'medium']);
    assert.ok(items(r).every((i) => i.kind === CompletionItemKind.EnumMember));
  });
  await check('completion after a number (`timeout = 5`): units that replace the number', async () => {
    const at = positionOf(original, /^\s*resources\s*\{.*timeout = 5m\b/, 'timeout = 5m', 'timeout = 5'.length);
    await main.change({ range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: '' });
    const r = await complete(at);
    const got = labels(r);
    for (const u of ['5m', '5s', '5h', '5Mi', '5%']) assert.ok(got.includes(u), `offers ${u}: ${got}`);
    const m = items(r).find((i) => i.label === '5m');
    assert.equal(m.kind, CompletionItemKind.Unit);
    assert.deepEqual(m.textEdit.range, { start: { line: at.line, character: at.character - 1 }, end: at });
    const p = await main.change({ range: { start: at, end: at }, text: 'm' });
    assert.equal(main.text, original);
    assert.deepEqual(p.diagnostics, [], show(p.diagnostics));
  });

  // ---- rename
  await check('prepareRename on `validators`: its range and name', async () => {
    const r = await connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: main.uri }, position: validatorsAt });
    const start = validatorsAt.character - 3;
    assert.deepEqual(r, { range: { start: { line: validatorsAt.line, character: start },
      end: { line: validatorsAt.line, character: start + 10 } }, placeholder: 'validators' });
  });
  await check('rename `validators` -> `reviewers`: edits in credit_risk.mlops and teams.mlops', async () => {
    const edit = await connection.sendRequest(RenameRequest.type,
      { textDocument: { uri: main.uri }, position: validatorsAt, newName: 'reviewers' });
    const changes = edit.changes || {};
    const uris = Object.keys(changes);
    assert.equal(uris.length, 2, `two files: ${uris}`);
    const mainKey = uris.find((u) => sameFile(u, mainUri));
    const teamsKey = uris.find((u) => sameFile(u, teamsUri));
    assert.ok(mainKey && teamsKey, `credit_risk.mlops and teams.mlops: ${uris}`);
    assert.equal(changes[mainKey].length, 2);
    assert.equal(changes[teamsKey].length, 1);
    const renamedMain = applyEdits(original, changes[mainKey]);
    assert.match(renamedMain, /approvals\s*=\s*\[2 of reviewers, risk_owner\]/);
    assert.match(renamedMain, /alert\s*=\s*\[reviewers, platform\]/);
    assert.equal(renamedMain.split('\n').length, original.split('\n').length);
    assert.match(applyEdits(teamsText, changes[teamsKey]), /^role reviewers : model_risk_manager \{$/m);
  });
  await check('rename `validators` -> `platform` (an existing role) fails with RequestFailed', async () => {
    const e = await expectError(connection.sendRequest(RenameRequest.type,
      { textDocument: { uri: main.uri }, position: validatorsAt, newName: 'platform' }), LSPErrorCodes.RequestFailed);
    assert.match(e.message, /clash/);
  });
  await check('rename `scorer` -> `model` (a keyword) fails with RequestFailed', async () => {
    const at = positionOf(original, /^model scorer\b/, 'scorer');
    await expectError(connection.sendRequest(RenameRequest.type,
      { textDocument: { uri: main.uri }, position: at, newName: 'model' }), LSPErrorCodes.RequestFailed);
  });

  // ---- document symbols
  await check('documentSymbol: every declaration, in order, hierarchical', async () => {
    const symbols = await connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: main.uri } });
    const want = [];
    for (const line of original.split('\n')) {
      let m = /^(project|role|kpi|data|step|model|test|gate|deploy|monitor|pipeline|check)\s+(\w+)/.exec(line);
      if (m) want.push(m[2]);
      else if ((m = /^use\s+([\w.]+)/.exec(line))) want.push(m[1]);
      else if ((m = /^import\s+"([^"]+)"/.exec(line))) want.push(m[1]);
    }
    assert.deepEqual(symbols.map((s) => s.name), want);
    const scorer = symbols.find((s) => s.name === 'scorer');
    assert.equal(scorer.kind, SymbolKind.Object);
    assert.equal(scorer.detail, 'model');
    assert.deepEqual(scorer.selectionRange.start, positionOf(original, /^model scorer\b/, 'scorer'));
    assert.ok(scorer.children.some((c) => c.name === 'owner'), 'scorer > owner');
    const resources = scorer.children.find((c) => c.name === 'resources');
    assert.ok(resources && resources.children.some((c) => c.name === 'memory'), 'scorer > resources > memory');
    const schema = symbols.find((s) => s.name === 'applications').children.find((c) => c.name === 'schema');
    const income = schema.children.find((c) => c.name === 'income');
    assert.equal(income.detail, 'float');
  });

  // ---- a second, mis-indented document: diagnostic details and formatting
  const scrambledPath = path.join(dir, 'scrambled.mlops');
  let inRaw = false;
  let scrambled = original.split('\n').map((line, i) => {
    const continuing = inRaw;
    if (((line.match(/"""/g) || []).length % 2) === 1) inRaw = !inRaw;
    if (continuing || line.trim() === '') return line;
    return ' '.repeat((i * 7) % 5) + line.trim().replace(/^(\w+)\s+=\s+/, '$1   =  ') + (i % 3 === 0 ? '  ' : '');
  }).join('\n');
  scrambled += '\n   role auditors : sme { members = ["x@bank.example"] }\n' +
    'kpi approval_rate {\nowner = risk_owner\n      metric = "a"\n  target >= 1%\n   }\n';
  fs.writeFileSync(scrambledPath, scrambled);
  const expected = childProcess.execFileSync(MLOPSC, ['fmt', '-'], { input: scrambled, encoding: 'utf8', timeout: 20000 });
  const doc = new Doc(pathToFileURL(scrambledPath).href, scrambled);

  await check('second document: W0601 tagged Unnecessary, E0202 with related information', async () => {
    const p = await doc.open();
    const w = p.diagnostics.find((d) => d.code === 'W0601');
    assert.ok(w, `W0601: ${show(p.diagnostics)}`);
    assert.equal(w.severity, DiagnosticSeverity.Warning);
    assert.deepEqual(w.tags, [DiagnosticTag.Unnecessary]);
    assert.match(w.message, /`auditors`/);
    const e = p.diagnostics.find((d) => d.code === 'E0202');
    assert.ok(e, `E0202: ${show(p.diagnostics)}`);
    assert.deepEqual(e.range.start, { line: scrambled.split('\n').lastIndexOf('kpi approval_rate {'), character: 4 });
    assert.equal(e.relatedInformation.length, 1);
    assert.ok(sameFile(e.relatedInformation[0].location.uri, doc.uri));
    assert.equal(e.relatedInformation[0].location.range.start.line, lineOf(scrambled, /kpi approval_rate/));
    assert.match(e.relatedInformation[0].message, /first defined here/);
  });
  await check('formatting the mis-indented document: edits that give exactly `mlopsc fmt` output', async () => {
    assert.notEqual(expected, scrambled, 'the input is not already formatted');
    const edits = await connection.sendRequest(DocumentFormattingRequest.type,
      { textDocument: { uri: doc.uri }, options: { tabSize: 2, insertSpaces: true } });
    assert.ok(Array.isArray(edits) && edits.length > 0, 'some edits');
    for (const e of edits) assert.equal(e.range.start.character, 0, 'whole-line edits');
    assert.equal(applyEdits(scrambled, edits), expected);
  });
  await check('formatting the formatted document: no edits', async () => {
    await doc.replaceAll(expected);
    const edits = await connection.sendRequest(DocumentFormattingRequest.type,
      { textDocument: { uri: doc.uri }, options: { tabSize: 2, insertSpaces: true } });
    assert.deepEqual(edits, []);
  });
  await check('formatting a document with a syntax error fails with RequestFailed', async () => {
    await doc.replaceAll('project x {\n  version =\n}\n');
    await expectError(connection.sendRequest(DocumentFormattingRequest.type,
      { textDocument: { uri: doc.uri }, options: { tabSize: 2, insertSpaces: true } }), LSPErrorCodes.RequestFailed);
  });
  await check('didClose: the closed document\'s diagnostics are cleared', async () => {
    const cleared = new Promise((resolve) => {
      const w = { uri: doc.uri, version: -Infinity, resolve };
      waiters.push(w);
    });
    await connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: doc.uri } });
    const p = await cleared;
    assert.deepEqual(p.diagnostics, []);
  });

  // ---- errors and the end
  await check('an unknown method gets MethodNotFound (-32601)', async () => {
    await expectError(connection.sendRequest('mlops/noSuchMethod', {}), ErrorCodes.MethodNotFound);
  });
  await check('a request on a document that is not open gets an error, and the server goes on', async () => {
    const e = await expectError(connection.sendRequest(HoverRequest.type,
      { textDocument: { uri: pathToFileURL(path.join(dir, 'nope.mlops')).href }, position: { line: 0, character: 0 } }),
    ErrorCodes.InvalidParams);
    assert.match(e.message, /not open/);
    const h = await connection.sendRequest(HoverRequest.type, { textDocument: { uri: main.uri }, position: validatorsAt });
    assert.ok(h, 'hover still answers');
  });
  await check('shutdown answers null', async () => {
    const r = await connection.sendRequest(ShutdownRequest.type);
    assert.equal(r, null);
  });
  await check('exit: the server process ends with status 0', async () => {
    exitExpected = true;
    await connection.sendNotification(ExitNotification.type);
    const result = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 10000))]);
    assert.deepEqual(result, { code: 0, signal: null });
  });
  const errorLogs = logMessages.filter((m) => m.type === 1);
  await check('no error messages logged by the server (window/logMessage)', async () => {
    assert.deepEqual(errorLogs, []);
  });
}

main().catch((e) => {
  failed += 1;
  console.log(`FAIL - the test itself failed at ${step}: ${(e && e.stack) || e}`);
}).finally(() => {
  clearTimeout(globalTimer);
  connection.dispose();
  if (!serverExit) server.kill('SIGKILL');
  if (failed) console.log(serverStderr().replace(/^\n/, '# '));
  cleanup();
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
});
