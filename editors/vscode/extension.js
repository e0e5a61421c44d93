// The ERSL extension's client: starts `ersl lsp` and connects VS Code to it.
//
// Everything the editor shows beyond colours (diagnostics, hover, go to definition,
// references, completion, outline, formatting, quick fixes, "Run test") comes from the
// language server; this file only starts it. The command is the setting
// `ersl.server.command` (default: `ersl` on the PATH) with `ersl.server.args`.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

// `${workspaceFolder}` in a setting stands for the first folder of the workspace.
function expand(value) {
  const folders = vscode.workspace.workspaceFolders;
  const folder = folders && folders.length ? folders[0].uri.fsPath : "";
  return value.split("${workspaceFolder}").join(folder);
}

function createClient() {
  const config = vscode.workspace.getConfiguration("ersl");
  const serverOptions = {
    command: expand(config.get("server.command", "ersl")),
    args: config.get("server.args", ["lsp"]).map(expand),
  };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "ersl" },
      { scheme: "untitled", language: "ersl" },
    ],
    synchronize: {
      // files that contracts `use` may change outside the editor
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.ersl"),
    },
  };
  return new LanguageClient("ersl", "ERSL", serverOptions, clientOptions);
}

async function activate(context) {
  client = createClient();
  context.subscriptions.push(
    vscode.commands.registerCommand("ersl.restartServer", async () => {
      if (client) {
        await client.stop();
      }
      client = createClient();
      await client.start();
    }),
  );
  try {
    await client.start();
  } catch (error) {
    vscode.window.showErrorMessage(
      `ERSL: could not start \`ersl lsp\` (${error.message}). Install ERSL ` +
        "(pip install ersl) or set `ersl.server.command` to the ersl in your .venv/bin.",
    );
  }
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
