// Unit test of extension.js outside VS Code (node --test): the `vscode` API
// and `vscode-languageclient/node` are replaced by recording fakes, so this
// checks the extension's own logic: which command it starts, the error that
// names `mlops.serverPath`, the restart on a settings change, and the stop in
// deactivate. (The language server itself is tested by the compiler's tests.)
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');
const { test, beforeEach } = require('node:test');

// ---- fakes
const state = {};
function reset() {
  state.settings = { serverPath: 'mlopsc' };
  state.errors = [];
  state.commands = {};
  state.executed = [];
  state.configListeners = [];
  state.clients = [];
  state.startFails = null;
  state.workspaceFolders = undefined;
}
reset();

const fakeVscode = {
  workspace: {
    getConfiguration: (section) => {
      assert.equal(section, 'mlops');
      return { get: (key, dflt) => (key in state.settings ? state.settings[key] : dflt) };
    },
    get workspaceFolders() { return state.workspaceFolders; },
    onDidChangeConfiguration: (listener) => { state.configListeners.push(listener); return { dispose() {} }; },
    createFileSystemWatcher: (glob) => ({ glob, dispose() {} }),
  },
  window: {
    showErrorMessage: (message, ...items) => { state.errors.push({ message, items }); return Promise.resolve(undefined); },
    createOutputChannel: (name) => ({ name, lines: [], appendLine(l) { this.lines.push(l); }, dispose() {} }),
  },
  commands: {
    registerCommand: (id, fn) => { state.commands[id] = fn; return { dispose() {} }; },
    executeCommand: (...args) => { state.executed.push(args); return Promise.resolve(); },
  },
};

class FakeLanguageClient {
  constructor(id, name, serverOptions, clientOptions) {
    Object.assign(this, { id, name, serverOptions, clientOptions, started: false, stopped: false, disposed: false });
    state.clients.push(this);
  }
  async start() {
    if (state.startFails) throw new Error(state.startFails);
    this.started = true;
  }
  async stop() { this.stopped = true; }
  async dispose() { this.disposed = true; }
}
const fakeClientLib = { LanguageClient: FakeLanguageClient, TransportKind: { stdio: 0, ipc: 1, pipe: 2, socket: 3 } };

const originalLoad = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'vscode') return fakeVscode;
  if (request === 'vscode-languageclient/node') return fakeClientLib;
  return originalLoad.call(this, request, parent, isMain);
};

const extensionPath = path.join(__dirname, '..', 'extension.js');
function freshExtension() {
  delete require.cache[require.resolve(extensionPath)];
  return require(extensionPath);
}
function context() { return { subscriptions: [] }; }
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

// A stand-in server executable (never run by these tests: the client is fake).
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-ext-test-'));
function fakeServer(name) {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, '#!/bin/sh\nexit 0\n');
  fs.chmodSync(file, 0o755);
  return file;
}
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

beforeEach(reset);

test('starts `<mlops.serverPath> lsp` over stdio for mlops documents', async () => {
  const server = fakeServer('mlopsc-a');
  state.settings.serverPath = server;
  const ext = freshExtension();
  ext.activate(context());
  await settle();
  assert.equal(state.errors.length, 0, JSON.stringify(state.errors));
  assert.equal(state.clients.length, 1);
  const c = state.clients[0];
  assert.equal(c.id, 'mlops', 'the client id is mlops, so mlops.trace.server is honoured');
  assert.equal(c.serverOptions.run.command, server);
  assert.deepEqual(c.serverOptions.run.args, ['lsp']);
  assert.equal(c.serverOptions.run.transport, fakeClientLib.TransportKind.stdio);
  assert.ok(c.clientOptions.documentSelector.every((s) => s.language === 'mlops'));
  assert.ok(c.clientOptions.documentSelector.some((s) => s.scheme === 'file'));
  assert.ok(c.started);
  assert.ok('mlops.restartServer' in state.commands);
  await ext.deactivate();
});

test('a bare command name is looked up on PATH', async () => {
  const server = fakeServer('mlopsc');
  const savedPath = process.env.PATH;
  process.env.PATH = tmp + path.delimiter + savedPath;
  try {
    state.settings.serverPath = 'mlopsc';
    const ext = freshExtension();
    ext.activate(context());
    await settle();
    assert.equal(state.clients.length, 1);
    assert.equal(state.clients[0].serverOptions.run.command, server);
    await ext.deactivate();
  } finally {
    process.env.PATH = savedPath;
  }
});

test('${workspaceFolder} and relative paths are resolved against the workspace', async () => {
  const server = fakeServer('mlopsc-ws');
  state.workspaceFolders = [{ uri: { fsPath: tmp } }];
  state.settings.serverPath = '${workspaceFolder}/mlopsc-ws';
  let ext = freshExtension();
  ext.activate(context());
  await settle();
  assert.equal(state.clients.at(-1).serverOptions.run.command, server);
  await ext.deactivate();
  state.settings.serverPath = './mlopsc-ws';
  ext = freshExtension();
  ext.activate(context());
  await settle();
  assert.equal(state.clients.at(-1).serverOptions.run.command, server);
  await ext.deactivate();
});

test('a missing executable gives an error naming mlops.serverPath, and no client', async () => {
  state.settings.serverPath = path.join(tmp, 'no-such-mlopsc');
  const ext = freshExtension();
  ext.activate(context());
  await settle();
  assert.equal(state.clients.length, 0);
  assert.equal(state.errors.length, 1);
  assert.match(state.errors[0].message, /mlops\.serverPath/);
  assert.match(state.errors[0].message, /no-such-mlopsc/);
  assert.match(state.errors[0].message, /not found/);
  assert.deepEqual(state.errors[0].items, ['Open Settings']);
  await ext.deactivate();
});

test('a bare name missing from PATH says so', async () => {
  const savedPath = process.env.PATH;
  process.env.PATH = tmp;
  try {
    state.settings.serverPath = 'mlopsc-nowhere';
    const ext = freshExtension();
    ext.activate(context());
    await settle();
    assert.equal(state.clients.length, 0);
    assert.match(state.errors[0].message, /"mlopsc-nowhere" was not found on PATH/);
    assert.match(state.errors[0].message, /mlops\.serverPath/);
    await ext.deactivate();
  } finally {
    process.env.PATH = savedPath;
  }
});

test('a server that fails to start gives an error naming mlops.serverPath', async () => {
  state.settings.serverPath = fakeServer('mlopsc-broken');
  state.startFails = 'Connection to server got closed. Server will not be restarted.';
  const ext = freshExtension();
  ext.activate(context());
  await settle();
  assert.equal(state.clients.length, 1);
  assert.ok(state.clients[0].disposed, 'the failed client is disposed');
  assert.equal(state.errors.length, 1);
  assert.match(state.errors[0].message, /failed to start/);
  assert.match(state.errors[0].message, /mlops\.serverPath/);
  assert.match(state.errors[0].message, /Connection to server got closed/);
  await ext.deactivate();
});

test('changing mlops.serverPath restarts the server with the new path', async () => {
  const first = fakeServer('mlopsc-first');
  const second = fakeServer('mlopsc-second');
  state.settings.serverPath = first;
  const ext = freshExtension();
  ext.activate(context());
  await settle();
  assert.equal(state.clients.length, 1);
  // An unrelated setting: no restart.
  for (const l of state.configListeners) l({ affectsConfiguration: (s) => s === 'editor.tabSize' });
  await settle();
  assert.equal(state.clients.length, 1);
  assert.equal(state.clients[0].stopped, false);
  state.settings.serverPath = second;
  for (const l of state.configListeners) l({ affectsConfiguration: (s) => s === 'mlops.serverPath' || s === 'mlops' });
  await settle();
  assert.equal(state.clients.length, 2);
  assert.ok(state.clients[0].stopped, 'the old client is stopped');
  assert.equal(state.clients[1].serverOptions.run.command, second);
  assert.ok(state.clients[1].started);
  // The restart command does the same.
  await state.commands['mlops.restartServer']();
  assert.equal(state.clients.length, 3);
  assert.ok(state.clients[1].stopped);
  await ext.deactivate();
  assert.ok(state.clients[2].stopped, 'deactivate stops the client');
});

test('deactivate stops the running client', async () => {
  state.settings.serverPath = fakeServer('mlopsc-stop');
  const ext = freshExtension();
  ext.activate(context());
  await settle();
  const c = state.clients[0];
  assert.ok(c.started);
  assert.equal(c.stopped, false);
  await ext.deactivate();
  assert.ok(c.stopped);
});
