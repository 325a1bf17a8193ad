// VS Code client for the mlopsc language server (`mlopsc lsp`, LSP 3.17 over
// stdio). Plain JavaScript, no build step: VS Code loads this file as is.
//
// - starts `<mlops.serverPath> lsp` for documents of language `mlops`;
// - restarts it when `mlops.serverPath` changes, and on the command
//   "MLOps: Restart Language Server";
// - when the executable cannot be found or started, says so and names the
//   `mlops.serverPath` setting;
// - `mlops.trace.server` (off/messages/verbose) is read by the client library
//   itself, because the client's id is `mlops`.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

const SETTING = 'mlops.serverPath';

/** @type {LanguageClient | undefined} */
let client;
let extensionContext;
let outputChannel;
let traceOutputChannel;
// Starts, stops and restarts run one after the other.
let queue = Promise.resolve();

function enqueue(task) {
  queue = queue.then(task, task);
  return queue;
}

// The configured server path: `~` and ${workspaceFolder} expanded, a relative
// path with a folder part taken relative to the first workspace folder. A bare
// name ("mlopsc") is left for the PATH lookup.
function configuredServerPath() {
  const configured = vscode.workspace.getConfiguration('mlops').get('serverPath');
  let command = typeof configured === 'string' && configured.trim() !== '' ? configured.trim() : 'mlopsc';
  const folders = vscode.workspace.workspaceFolders;
  const root = folders && folders.length > 0 ? folders[0].uri.fsPath : undefined;
  if (root) {
    command = command.replace(/\$\{workspaceFolder\}/g, root);
  }
  if (command === '~' || command.startsWith('~/') || command.startsWith('~\\')) {
    command = path.join(os.homedir(), command.slice(1));
  }
  const hasFolderPart = command.includes('/') || command.includes('\\');
  if (hasFolderPart && !path.isAbsolute(command) && root) {
    command = path.resolve(root, command);
  }
  return { configured: configured, command: command };
}

function isExecutableFile(file) {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, process.platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
    return true;
  } catch (_) {
    return false;
  }
}

// The file `command` runs, as the server's spawn would find it, or undefined.
function resolveExecutable(command) {
  const extensions = process.platform === 'win32'
    ? [''].concat((process.env.PATHEXT || '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean))
    : [''];
  const candidates = [];
  if (command.includes('/') || command.includes('\\') || path.isAbsolute(command)) {
    candidates.push(command);
  } else {
    for (const dir of (process.env.PATH || '').split(path.delimiter)) {
      if (dir) candidates.push(path.join(dir, command));
    }
  }
  for (const candidate of candidates) {
    for (const ext of extensions) {
      if (isExecutableFile(candidate + ext)) return candidate + ext;
    }
  }
  return undefined;
}

async function showStartError(message) {
  const open = 'Open Settings';
  const choice = await vscode.window.showErrorMessage(message, open);
  if (choice === open) {
    await vscode.commands.executeCommand('workbench.action.openSettings', SETTING);
  }
}

async function startClient() {
  const { configured, command } = configuredServerPath();
  const shown = typeof configured === 'string' && configured.trim() !== '' ? configured : 'mlopsc';
  const executable = resolveExecutable(command);
  if (!executable) {
    void showStartError(
      `MLOps: cannot start the language server: "${command}" was not found` +
      (command.includes('/') || command.includes('\\') ? '' : ' on PATH') +
      ` (setting "${SETTING}" is "${shown}"). Build mlopsc and put it on PATH, ` +
      `or set "${SETTING}" to the full path of the mlopsc executable.`);
    return;
  }

  if (!outputChannel) {
    outputChannel = vscode.window.createOutputChannel('MLOps Language Server');
    traceOutputChannel = vscode.window.createOutputChannel('MLOps Language Server Trace');
    if (extensionContext) extensionContext.subscriptions.push(outputChannel, traceOutputChannel);
  }

  const run = { command: executable, args: ['lsp'], transport: TransportKind.stdio };
  const serverOptions = { run: run, debug: run };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'mlops' },
      { scheme: 'untitled', language: 'mlops' },
    ],
    synchronize: {
      // Imported files changed outside the editor (git checkout, generators).
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.mlops'),
    },
    outputChannel: outputChannel,
    traceOutputChannel: traceOutputChannel,
  };

  const candidate = new LanguageClient('mlops', 'MLOps Language Server', serverOptions, clientOptions);
  try {
    await candidate.start();
    client = candidate;
  } catch (err) {
    const reason = err && err.message ? err.message : String(err);
    outputChannel.appendLine(`Starting "${executable} lsp" failed: ${reason}`);
    try { await candidate.dispose(); } catch (_) { /* already stopped */ }
    void showStartError(
      `MLOps: the language server "${executable} lsp" failed to start: ${reason}. ` +
      `Check the "${SETTING}" setting: it must name an mlopsc that has the \`lsp\` command.`);
  }
}

async function stopClient() {
  const current = client;
  client = undefined;
  if (!current) return;
  try {
    await current.stop();
  } catch (_) {
    // The server may already have exited; nothing else to clean up.
  }
}

function activate(context) {
  extensionContext = context;
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SETTING)) {
        void enqueue(async () => { await stopClient(); await startClient(); });
      }
    }),
    vscode.commands.registerCommand('mlops.restartServer', () =>
      enqueue(async () => { await stopClient(); await startClient(); })),
    { dispose: () => { void stopClient(); } },
  );
  // Not awaited: activation does not wait for the server's initialize answer.
  void enqueue(startClient);
}

function deactivate() {
  return enqueue(stopClient);
}

module.exports = { activate, deactivate };
