#!/usr/bin/env bash
# yaml-language-server 2.0 (the engine of VS Code's YAML extension), for the test that opens
# the playlists in it over LSP (tests/playlist/test_editor_lsp.py). Installed with npm into
# tools/yaml-ls/ (not committed); nothing to do when that version is already there.
#   usage: tools/install-yaml-ls.sh            (SESSION_PLAYER_YAML_LS=DIR installs there)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
prefix="${SESSION_PLAYER_YAML_LS:-$here/yaml-ls}"
version=2.0.0
package="$prefix/node_modules/yaml-language-server/package.json"
if [ -f "$package" ] && grep -q "\"version\": \"$version\"" "$package"; then
  exit 0
fi
for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "$0: $tool is needed for the editor test (apt-get install -y nodejs npm)" >&2
    exit 1
  }
done
mkdir -p "$prefix"
npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "yaml-language-server@$version"
