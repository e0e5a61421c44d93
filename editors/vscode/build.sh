#!/usr/bin/env bash
# Package the VS Code extension as editors/vscode/ersl-<version>.vsix.
#
#   bash editors/vscode/build.sh
#
# Needs Node.js 18+ and npm (and Python with ERSL installed, to check that the grammar
# is generated from the current keyword lists). Install the result with
# `code --install-extension editors/vscode/ersl-<version>.vsix`.
set -euo pipefail
cd "$(dirname "$0")"
python3 scripts/generate_grammar.py --check
npm ci --no-audit --no-fund
version=$(node -p "require('./package.json').version")
npx --yes @vscode/vsce@3 package --allow-missing-repository --out "ersl-$version.vsix"
