// Tokenise .ersl files with the extension's TextMate grammar, as VS Code does
// (vscode-textmate with the Oniguruma regular-expression engine).
//
//   node scripts/tokenize.js GRAMMAR FILE...
//
// Prints JSON: for each file, the tokens that are words (names and keywords), each as
// [line, start, end, scope] with 0-based line, UTF-16 start and end columns, and the
// innermost scope. tests/lsp/test_vscode_grammar.py compares them with the Pygments lexer.
"use strict";

const fs = require("fs");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const WORD = /^[\p{L}_][\p{L}\p{N}_]*$/u;

async function main() {
  const [grammarPath, ...files] = process.argv.slice(2);
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  const onigLib = oniguruma
    .loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength))
    .then(() => ({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }));
  const registry = new vsctm.Registry({
    onigLib,
    loadGrammar: async (scopeName) =>
      scopeName === "source.ersl"
        ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath)
        : null,
  });
  const grammar = await registry.loadGrammar("source.ersl");
  const result = {};
  for (const file of files) {
    const lines = fs.readFileSync(file, "utf8").split("\n");
    const words = [];
    let stack = vsctm.INITIAL;
    lines.forEach((text, number) => {
      const line = text.replace(/\r$/, "");
      const tokens = grammar.tokenizeLine(line, stack);
      for (const token of tokens.tokens) {
        const value = line.slice(token.startIndex, token.endIndex);
        if (WORD.test(value)) {
          const scope = token.scopes[token.scopes.length - 1];
          words.push([number, token.startIndex, token.endIndex, scope]);
        }
      }
      stack = tokens.ruleStack;
    });
    result[file] = words;
  }
  process.stdout.write(JSON.stringify(result));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
