// Starts `corsc lsp` over stdio for .cors files (and corsc.yaml) and hands it to VS Code's
// language client: diagnostics, hover, quick fixes and formatting all come from corsc itself,
// so the editor says exactly what `corsc lint` says.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

/** @type {LanguageClient | undefined} */
let client;

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  const command = vscode.workspace.getConfiguration("corsc").get("path") || "corsc";
  const serverOptions = { command, args: ["lsp"] };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "cors" },
      { scheme: "untitled", language: "cors" },
      { scheme: "file", pattern: "**/corsc.yaml" },
    ],
  };
  client = new LanguageClient("corsc", "corsc", serverOptions, clientOptions);
  context.subscriptions.push(client);
  try {
    await client.start();
  } catch (err) {
    vscode.window.showErrorMessage(
      `corsc: could not start \`${command} lsp\` (set corsc.path to the corsc executable): ${err}`
    );
  }
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
