#!/usr/bin/env bash
# Installs what the real-Frida tests (test/frida/) drive: PyPI's frida wheel, which carries real
# frida-core (the npm binding downloads a prebuilt binary at install time, which may be
# impossible), in a git-ignored venv in the checkout, at the version package.json's
# optionalDependencies.frida pins (read from there, written nowhere else).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(node -p "require('$root/package.json').optionalDependencies.frida")
venv="$root/.venv-frida"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: "frida==$version"
echo "setup:frida: $("$venv/bin/python" -c 'import frida; print("frida", frida.__version__)') in $venv"
