// Tokenizes .cors files with vscode-textmate and vscode-oniguruma (the engine and regex library
// VS Code runs TextMate grammars with) and grammar/cors.tmLanguage.json.
//
// Usage: node tokenize.mjs GRAMMAR FILE...
// Prints one JSON object: { "<file>": { "tokens": [[startByte, endByte, [scopes…]], …],
// "open": N } } where positions are UTF-8 byte offsets in the file and "open" counts the
// rule-stack frames left open at the end of the file (0 when every region the grammar began
// was closed).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import vsctm from "vscode-textmate";
import oniguruma from "vscode-oniguruma";

const require = createRequire(import.meta.url);
const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));

const [grammarPath, ...files] = process.argv.slice(2);
const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s) => new oniguruma.OnigString(s),
  }),
  loadGrammar: async () =>
    vsctm.parseRawGrammar(readFileSync(grammarPath, "utf8"), grammarPath),
});
const grammar = await registry.loadGrammar("source.cors");
if (!grammar) throw new Error(`no grammar in ${grammarPath}`);

const bytes = (s) => Buffer.byteLength(s, "utf8");
const out = {};
for (const file of files) {
  const text = readFileSync(file, "utf8");
  let stack = vsctm.INITIAL;
  const tokens = [];
  // Lines end where an editor ends them: at "\r\n", "\n" or a lone "\r".
  const parts = text.split(/(\r\n|\r|\n)/);
  let offset = 0;
  for (let i = 0; i < parts.length; i += 2) {
    const line = parts[i];
    const r = grammar.tokenizeLine(line, stack, 5000);
    if (r.stoppedEarly) throw new Error(`${file}: byte ${offset}: tokenizing stopped early`);
    for (const t of r.tokens) {
      const end = Math.min(t.endIndex, line.length);
      if (end <= t.startIndex) continue;
      tokens.push([
        offset + bytes(line.slice(0, t.startIndex)),
        offset + bytes(line.slice(0, end)),
        t.scopes,
      ]);
    }
    stack = r.ruleStack;
    offset += bytes(line) + bytes(parts[i + 1] ?? "");
  }
  let open = 0;
  for (let s = stack; s && s.parent; s = s.parent) open++;
  out[file] = { tokens, open };
}
process.stdout.write(JSON.stringify(out));
