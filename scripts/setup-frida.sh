#!/usr/bin/env bash
# Installs what the real-Frida tests (test/frida/) drive: PyPI's frida wheel, which carries real
# frida-core (the npm binding downloads a prebuilt binary at install time, which may be
# impossible), in a git-ignored venv in the checkout, at the version package.json's
# optionalDependencies.frida pins (read from there, written nowhere else). Then the Java target's
# third-party jars (real OkHttp 4.12.0 and Conscrypt 2.5.2, test/frida/java/okhttp-jars.ts) from
# Maven Central into ~/.m2 with mvn, when mvn is there (without them those tests skip, or fail
# under CI).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(node -p "require('$root/package.json').optionalDependencies.frida")
venv="$root/.venv-frida"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: "frida==$version"
echo "setup:frida: $("$venv/bin/python" -c 'import frida; print("frida", frida.__version__)') in $venv"
if command -v mvn >/dev/null; then
  for artifact in com.squareup.okhttp3:okhttp:4.12.0 org.conscrypt:conscrypt-openjdk-uber:2.5.2; do
    mvn -q -B -Dstyle.color=never dependency:get -Dartifact="$artifact" >/dev/null
  done
  echo "setup:frida: OkHttp 4.12.0 and Conscrypt 2.5.2 in ~/.m2"
else
  echo "setup:frida: mvn not found: the Java target's OkHttp and Conscrypt requests will be skipped (install Debian's maven)"
fi
