#!/usr/bin/env bash
# Type-checks the frida adapter, and the real-Frida tests' shim of the frida API
# (test/frida/shim/, whose classes implement the members of frida's classes the adapter uses),
# against frida's own type definitions: the pinned version's
# registry tarball carries build/src/frida.d.ts, fetched with `npm pack` (no install script runs,
# so this works where the binding cannot be downloaded).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(node -p "require('$root/package.json').optionalDependencies.frida")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "frida@$version" --silent > /dev/null 2>&1 && tar xzf frida-*.tgz)
test -f "$tmp/package/build/src/frida.d.ts" || { echo "check:frida: frida@$version has no build/src/frida.d.ts" >&2; exit 1; }
cat > "$tmp/tsconfig.json" <<JSON
{
  "extends": "$root/tsconfig.json",
  "compilerOptions": {
    "noEmit": true,
    "rootDir": "/",
    "allowImportingTsExtensions": true,
    "typeRoots": ["$root/node_modules/@types"],
    "paths": {
      "frida": ["$tmp/package/build/src/frida.d.ts"]
    }
  },
  "include": [],
  "files": ["$root/runner/device/frida-backend.ts", "$root/test/frida/shim/frida.ts"]
}
JSON
"$root/node_modules/.bin/tsc" -p "$tmp/tsconfig.json"
echo "check:frida: runner/device/frida-backend.ts and test/frida/shim/ type-check against frida@$version's frida.d.ts"
