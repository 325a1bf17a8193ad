// Tokenizes .mlops files with the extension's TextMate grammar (the same
// vscode-textmate + Oniguruma engine VS Code uses, as installed with
// vscode-tmgrammar-test) and reports every token scoped `invalid.illegal.*`.
//
//   node tests/scan-grammar.js GRAMMAR FILE...
//
// Prints `FILE:LINE:COL: SCOPE "TEXT"` for each such token and a summary
// line; exits 1 when any token is invalid, 2 on a usage or load error.
// The grammar marks only what the compiler rejects as a lexical error
// (characters that start no token, malformed numbers and units, bad escapes,
// keywords used as declaration names), so a spec that checks cleanly has none.
'use strict';

const fs = require('fs');
const path = require('path');

function load(name) {
  // vscode-textmate and vscode-oniguruma are dependencies of vscode-tmgrammar-test.
  const base = path.dirname(require.resolve('vscode-tmgrammar-test/package.json'));
  return require(require.resolve(name, { paths: [base] }));
}

async function main() {
  const [grammarPath, ...files] = process.argv.slice(2);
  if (!grammarPath || files.length === 0) {
    console.error('usage: node tests/scan-grammar.js GRAMMAR FILE...');
    process.exit(2);
  }
  const vsctm = load('vscode-textmate');
  const oniguruma = load('vscode-oniguruma');
  const onigDir = path.dirname(require.resolve('vscode-oniguruma/package.json', {
    paths: [path.dirname(require.resolve('vscode-tmgrammar-test/package.json'))],
  }));
  await oniguruma.loadWASM(fs.readFileSync(path.join(onigDir, 'release', 'onig.wasm')).buffer);
  const rawGrammar = vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => (scopeName === rawGrammar.scopeName ? rawGrammar : null),
  });
  const grammar = await registry.loadGrammar(rawGrammar.scopeName);
  if (!grammar) {
    console.error(`cannot load grammar ${grammarPath}`);
    process.exit(2);
  }

  let illegal = 0;
  let lines = 0;
  for (const file of files) {
    let text = fs.readFileSync(file, 'utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);  // the lexer skips a BOM
    let ruleStack = vsctm.INITIAL;
    text.split(/\r?\n/).forEach((line, i) => {
      lines++;
      const result = grammar.tokenizeLine(line, ruleStack);
      for (const token of result.tokens) {
        const bad = token.scopes.find((s) => s.startsWith('invalid.illegal'));
        if (bad) {
          illegal++;
          const t = line.substring(token.startIndex, token.endIndex);
          console.log(`${file}:${i + 1}:${token.startIndex + 1}: ${bad} ${JSON.stringify(t)}`);
        }
      }
      ruleStack = result.ruleStack;
    });
  }
  console.log(`scanned ${files.length} file(s), ${lines} line(s): ${illegal} invalid.illegal token(s)`);
  process.exit(illegal === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(2);
});
