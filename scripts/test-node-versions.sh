#!/usr/bin/env bash
# Runs the whole test suite (`npm test`: build, lint, every test) under other Node versions than
# the machine's own, in this checkout, after `npm run setup`. `.ci/run` calls it after `npm test`.
#
#   scripts/test-node-versions.sh            # the newest 22.x and 24.x
#   scripts/test-node-versions.sh 24 22.23.5 # a major (its newest release) or an exact version
#   scripts/test-node-versions.sh 24 -- npx jest packages/profiler  # another command than npm test
#
# Each Node comes from the npm registry's `node-linux-<arch>` package (a `bin/node` and the headers
# in `include/node`), installed into a cache outside the checkout: TRANSCRIBER_CI_CACHE, else
# ${XDG_CACHE_HOME:-~/.cache}/transcriber-ci, or /var/cache/transcriber-ci for root (run as root,
# the tests also run node as `nobody`, who cannot enter /root). better-sqlite3 is the one native
# module built against a Node version's ABI (the others are N-API or not Node addons); it is built
# once per Node version and per better-sqlite3 source into that cache, against that version's own
# headers (npm_config_nodedir: this machine's npm config points node-gyp at /usr, Debian's Node 20
# headers, and a build under Node 24 then silently makes a Node 20 binary). A cached build is used
# only once it has loaded and run a query under its Node. Entries unused for 30 days are removed.
#
# One node_modules serves every version: before a version's run its build is moved into
# node_modules/better-sqlite3/build/Release (by rename, so a process that has the old one loaded
# keeps it); afterwards the machine Node's build comes back, and the preload's V8 code cache is
# made again by the machine's Node (a version's run makes its own). A run stopped before that
# (kill -9) is repaired by the next one, which restores first. Do not run tests of this checkout
# under the machine's Node while this runs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

if [ "$(id -u)" = 0 ]; then
  CACHE=${TRANSCRIBER_CI_CACHE:-/var/cache/transcriber-ci}
else
  CACHE=${TRANSCRIBER_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/transcriber-ci}
fi
# Readable by every user (see above).
umask 022
RELEASE_DIR=$ROOT/node_modules/better-sqlite3/build/Release
ADDON=$RELEASE_DIR/better_sqlite3.node
STATE_DIR=$ROOT/node_modules/.cache/transcriber-node-versions
SAVED_ADDON=$STATE_DIR/better_sqlite3.node.machine
# Cache entries no run has used for this many days are removed.
PRUNE_DAYS=30

say() { printf 'test-node-versions: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) PLATFORM=linux-x64 ;;
  Linux-aarch64) PLATFORM=linux-arm64 ;;
  *) die "no node-linux-* package for $(uname -s) $(uname -m)" ;;
esac
command -v flock >/dev/null || die "flock (util-linux) is needed"
[ -f "$ADDON" ] || die "$ADDON is missing: run \`npm run setup\` first"

# Loads a better-sqlite3 addon with a given Node and runs a query: what "the build works" means.
addon_works() { # node addon
  "$1" -e '
    const Database = require(process.argv[1]);
    const db = new Database(":memory:", { nativeBinding: process.argv[2] });
    if (db.prepare("select 1 + 1 as two").get().two !== 2) process.exit(1);
    db.close();
  ' "$ROOT/node_modules/better-sqlite3" "$2" >/dev/null 2>&1
}

# Puts a file in place of another by rename: a process that has the old one loaded keeps it.
replace_file() { # source target
  cp "$1" "$2.tmp.$$"
  mv -f "$2.tmp.$$" "$2"
}

# --- the checkout: one run at a time, and the machine Node's build back at the end -------------

mkdir -p "$STATE_DIR"
exec 8>"$STATE_DIR/lock"
flock -n 8 || die "another run is using this checkout ($ROOT)"

if [ -f "$SAVED_ADDON" ]; then
  say "restoring the machine Node's better-sqlite3 build left by an interrupted run"
  replace_file "$SAVED_ADDON" "$ADDON"
fi
addon_works "$(command -v node)" "$ADDON" ||
  die "better-sqlite3 does not load under $(node -v): run \`npm rebuild better-sqlite3\` (or \`npm run setup\`)"
cp "$ADDON" "$SAVED_ADDON"

swapped=0
# shellcheck disable=SC2317 # run by the EXIT trap
restore() {
  local status=$?
  trap - EXIT INT TERM HUP
  if [ -f "$SAVED_ADDON" ]; then
    replace_file "$SAVED_ADDON" "$ADDON"
    rm -f "$SAVED_ADDON"
    if [ "$swapped" = 1 ]; then
      # A version's `npm test` made the preload bundle's V8 code cache with its own V8, which the
      # machine's Node rejects (the preload then compiles it: slower start-up).
      node packages/node/scripts/bundlePreload.js >/dev/null ||
        say "remaking the preload's code cache failed: run \`npm run build\`"
    fi
  fi
  exit "$status"
}
trap restore EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# --- Node from the registry ----------------------------------------------------------------------

# The exact version for "24" (the newest 24.x the registry has) or "24.22.3" (itself). Offline,
# the newest cached one of that line.
resolve_version() { # spec
  local spec=$1 listed
  if [[ $spec =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "$spec"
    return
  fi
  [[ $spec =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "not a Node version: $spec (give 24, 24.22 or 24.22.3)"
  if listed=$(npm view "node-$PLATFORM@$spec" version --json 2>/dev/null) && [ -n "$listed" ]; then
    node -e '
      const versions = [].concat(JSON.parse(process.argv[1]));
      const key = (v) => v.split(".").map(Number);
      versions.sort((a, b) => { const x = key(a), y = key(b); return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
      console.log(versions.at(-1));
    ' "$listed"
    return
  fi
  local cached
  cached=$(find "$CACHE/node" -mindepth 1 -maxdepth 1 -type d -name "$spec.*" -printf '%f\n' 2>/dev/null | sort -V | tail -1)
  [ -n "$cached" ] || die "cannot look up node-$PLATFORM@$spec in the registry, and none is cached"
  say "registry unreachable: using the cached Node $cached for $spec"
  echo "$cached"
}

node_dir() { echo "$CACHE/node/$1/node_modules/node-$PLATFORM"; }

node_ok() { # version
  local dir
  dir=$(node_dir "$1")
  [ -f "$dir/include/node/node.h" ] && [ "$("$dir/bin/node" -v 2>/dev/null)" = "v$1" ]
}

# Installs Node `version` into the cache unless it is there; prints "cached" or the seconds taken.
ensure_node() { # version
  local version=$1 started=$SECONDS tmp
  mkdir -p "$CACHE/node"
  exec 7>"$CACHE/node/$version.lock"
  flock 7
  if node_ok "$version"; then
    exec 7>&-
    touch "$CACHE/node/$version"
    echo cached
    return
  fi
  rm -rf "${CACHE:?}/node/$version"
  tmp=$(mktemp -d "$CACHE/node/.install.XXXXXX")
  chmod 755 "$tmp" # (mktemp makes it private)
  if ! (cd "$tmp" && npm install --prefix "$tmp" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund \
    "node-$PLATFORM@$version" >"$tmp.log" 2>&1); then
    tail -20 "$tmp.log" >&2
    rm -rf "$tmp" "$tmp.log"
    die "installing node-$PLATFORM@$version failed"
  fi
  rm -f "$tmp.log"
  mv "$tmp" "$CACHE/node/$version"
  node_ok "$version" || die "node-$PLATFORM@$version installed, but its bin/node is not v$version or has no headers"
  exec 7>&-
  echo "$((SECONDS - started))s"
}

# --- better-sqlite3 per Node version ---------------------------------------------------------------

# What the build is made from: better-sqlite3's version and a hash of its sources as installed.
BS_DIR=$ROOT/node_modules/better-sqlite3
BS_VERSION=$(node -p "require('$BS_DIR/package.json').version")
BS_SOURCE=$(cd "$BS_DIR" && find package.json binding.gyp src deps -type f -print0 | sort -z | xargs -0 sha256sum |
  sha256sum | cut -c1-16)

build_file() { echo "$CACHE/better-sqlite3/$BS_VERSION-$BS_SOURCE/node-$1-$PLATFORM/better_sqlite3.node"; }

# Builds better-sqlite3 for Node `version` unless a cached build loads; prints "cached" or the
# seconds taken.
ensure_build() { # version
  local version=$1 started=$SECONDS node_home file dir tmp
  node_home=$(node_dir "$version")
  file=$(build_file "$version")
  dir=$(dirname "$file")
  mkdir -p "$(dirname "$dir")"
  exec 7>"$dir.lock"
  flock 7
  if [ -f "$file" ]; then
    if addon_works "$node_home/bin/node" "$file"; then
      exec 7>&-
      touch "$dir"
      echo cached
      return
    fi
    say "the cached better-sqlite3 build for Node $version does not load: building it again"
    rm -rf "$dir"
  fi
  tmp=$(mktemp -d "$(dirname "$dir")/.build.XXXXXX")
  cp -R "$BS_DIR"/{package.json,binding.gyp,src,deps} "$tmp/"
  # node-gyp as npm runs it on install, against this Node's headers (not the npm config's nodedir).
  if ! (cd "$tmp" && PATH="$node_home/bin:$PATH" npm_config_nodedir="$node_home" npm run build-release \
    >"$tmp/build.log" 2>&1); then
    tail -30 "$tmp/build.log" >&2
    rm -rf "$tmp"
    die "building better-sqlite3 $BS_VERSION for Node $version failed"
  fi
  mkdir -p "$dir"
  # (better-sqlite3 loads a nativeBinding path as a .node file, whatever its name ends with)
  cp "$tmp/build/Release/better_sqlite3.node" "$dir/new.node"
  rm -rf "$tmp"
  addon_works "$node_home/bin/node" "$dir/new.node" || {
    rm -rf "$dir"
    die "better-sqlite3 built for Node $version does not load under it"
  }
  mv "$dir/new.node" "$file"
  exec 7>&-
  echo "$((SECONDS - started))s"
}

prune_cache() { # removes what no run has used for PRUNE_DAYS days, and what a stopped run left
  find "$CACHE/node" "$CACHE/better-sqlite3" -mindepth 1 -maxdepth 1 -name '.*' -mtime +1 \
    -exec rm -rf {} + 2>/dev/null || true
  find "$CACHE/node" -mindepth 1 -maxdepth 1 -type d -mtime +"$PRUNE_DAYS" -exec rm -rf {} + 2>/dev/null || true
  find "$CACHE/better-sqlite3" -mindepth 2 -maxdepth 2 -type d -mtime +"$PRUNE_DAYS" -exec rm -rf {} + 2>/dev/null || true
  find "$CACHE/better-sqlite3" -mindepth 1 -maxdepth 1 -type d -empty -delete 2>/dev/null || true
  find "$CACHE" -name '*.lock' -mtime +"$PRUNE_DAYS" -delete 2>/dev/null || true
}

# --- the runs --------------------------------------------------------------------------------------

specs=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
  specs+=("$1")
  shift
done
[ ${#specs[@]} -gt 0 ] || specs=(22 24)
command=(npm test)
if [ $# -gt 0 ]; then
  shift
  [ $# -gt 0 ] || die "no command after --"
  command=("$@")
fi

summary=()
failed=0
for spec in "${specs[@]}"; do
  version=$(resolve_version "$spec")
  say "Node $version: node-$PLATFORM"
  node_took=$(ensure_node "$version")
  say "Node $version: better-sqlite3 $BS_VERSION"
  build_took=$(ensure_build "$version")
  node_home=$(node_dir "$version")

  replace_file "$(build_file "$version")" "$ADDON"
  swapped=1
  say "Node $version: ${command[*]}"
  started=$SECONDS
  # `node` (and npm's scripts, the tests' child processes, `npx`) is this version; native modules a
  # test would build use its headers.
  if PATH="$node_home/bin:$PATH" npm_config_nodedir="$node_home" "${command[@]}"; then
    result=passed
  else
    result=FAILED
    failed=1
  fi
  summary+=("$(printf '%-9s node %-7s better-sqlite3 %-7s %s %ss  %s' \
    "$version" "$node_took" "$build_took" "${command[*]}" "$((SECONDS - started))" "$result")")
done

prune_cache
say "summary"
printf '  %s\n' "${summary[@]}" >&2
exit "$failed"
