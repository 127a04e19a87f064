#!/usr/bin/env bash
# Installs the Debian packages the tests and the example agent need, only where missing.
# Part of `npm run setup`; safe to run again. Needs root (or sudo) on Debian/Ubuntu.
set -euo pipefail

# command-to-check:package pairs (a check starting with / is a file the package installs)
needed=(
  "prometheus:prometheus"
  "promtool:prometheus"
  # examples/voice-agent and its end-to-end test
  "pocketsphinx_continuous:pocketsphinx"
  "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin:pocketsphinx-en-us"
  "espeak-ng:espeak-ng"
  "sox:sox"
  # the web view's browser tests (packages/ui, test/ui-*.test.ts): headless Chromium
  "chromium:chromium"
)

missing=()
for pair in "${needed[@]}"; do
  cmd=${pair%%:*}
  pkg=${pair#*:}
  if [[ $cmd == /* ]]; then present() { [ -e "$1" ]; }; else present() { command -v "$1" >/dev/null 2>&1; }; fi
  if ! present "$cmd"; then
    [[ " ${missing[*]} " == *" $pkg "* ]] || missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "system packages missing (${missing[*]}) and apt-get is not available: install them by hand" >&2
  exit 1
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing system packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
