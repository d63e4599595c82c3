#!/usr/bin/env bash
# Install the system packages of the given groups (tools/system-packages.txt) that this
# machine lacks: with apt-get as root or through passwordless sudo; otherwise print the one
# command that does it and fail, so `make run` never stops later at Qt's plugin error.
#   usage: tools/install-system-deps.sh GROUP...      (groups: base, qt, suite)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# The list can be another file (a test of this script points it at its own).
list="${SESSION_PLAYER_SYSTEM_PACKAGES:-$here/system-packages.txt}"

# Only Linux desktops load Qt's xcb plugin and these tools; elsewhere there is nothing to do.
[ "$(uname -s)" = Linux ] || exit 0
[ $# -gt 0 ] || { echo "usage: $0 GROUP... (base, qt, suite)" >&2; exit 2; }

ldconfig_bin="$(command -v ldconfig || true)"
for candidate in /sbin/ldconfig /usr/sbin/ldconfig; do
  [ -n "$ldconfig_bin" ] || { [ -x "$candidate" ] && ldconfig_bin="$candidate"; }
done
libraries="$([ -n "$ldconfig_bin" ] && "$ldconfig_bin" -p 2>/dev/null || true)"

present() {  # one proof: a soname in the linker's cache, an absolute path, or a command
  case "$1" in
    /*) [ -e "$1" ] ;;
    python3:*) "${PYTHON:-python3}" -c "import ${1#python3:}" >/dev/null 2>&1 ;;
    *.so*) grep -qE "^[[:space:]]+$(printf '%s' "$1" | sed 's/[.+]/\\&/g') \(" <<<"$libraries" ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

missing=()
while read -r group package proofs; do
  case "$group" in '' | '#'*) continue ;; esac
  wanted=0
  for g in "$@"; do [ "$g" = "$group" ] && wanted=1; done
  [ "$wanted" = 1 ] || continue
  for proof in $proofs; do
    if ! present "$proof"; then missing+=("$package"); break; fi
  done
done <"$list"

[ ${#missing[@]} -gt 0 ] || exit 0

command_line="apt-get install -y ${missing[*]}"
if command -v apt-get >/dev/null 2>&1; then
  runner=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      runner=(sudo -n)
    else
      runner=(none)
    fi
  fi
  if [ "${runner[*]-}" != none ]; then
    echo "Installing the system packages Session Player needs: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # A fresh machine (or container) has no package lists yet: without them nothing installs.
    "${runner[@]}" apt-get update -qq
    "${runner[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
    exit 0
  fi
fi
echo "Session Player needs system packages that are missing. Install them with:" >&2
echo >&2
echo "    sudo $command_line" >&2
echo >&2
echo "then run the same make command again." >&2
exit 1
