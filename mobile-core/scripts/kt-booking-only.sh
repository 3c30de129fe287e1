#!/usr/bin/env bash
# The mobile core through its generated Kotlin bindings on the JVM: a citizen's flow, a
# verifier's certificate flow, a booking flow, a health-book flow, a vaccination flow and a facility-intake flow, each against a real server of its own
# (started and stopped by the test), then the FFI call-overhead benchmark.
# Installs what it needs when missing: JNA (Debian libjna-java) and the Kotlin compiler
# (npm kotlin-compiler, into .tools/). Prints libtest-style result lines.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
WORK="$TARGET/kotlin-tests"
KOTLIN="$ROOT/.tools/node_modules/kotlin-compiler"
JNA=/usr/share/java/jna.jar

if [ ! -f "$JNA" ]; then
  echo "installing libjna-java"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libjna-java) >/dev/null
fi
if [ ! -x "$KOTLIN/bin/kotlinc-jvm" ]; then
  echo "installing kotlin-compiler"
  npm install --silent --prefix "$ROOT/.tools" kotlin-compiler >/dev/null
fi

# The server as the integration tests build it; the core with the software passkey, built
# together with the generator so that both resolve uniffi's features as the workspace does.
cargo build --quiet -p healthbook-server --bin healthbook
cargo build --quiet -p healthbook-core -p healthbook-core-bindgen --features healthbook-core/test-authenticator

rm -rf "$WORK" && mkdir -p "$WORK/lib"
cp "$TARGET/debug/libhealthbook_core.so" "$WORK/lib/"
"$ROOT/mobile-core/scripts/bindings.sh" "$WORK/lib/libhealthbook_core.so" "$WORK/bindings" kotlin

CLASSPATH="$JNA:$KOTLIN/lib/kotlinx-coroutines-core-jvm.jar"
started=$SECONDS
"$KOTLIN/bin/kotlinc-jvm" -nowarn -cp "$CLASSPATH" \
  $(find "$WORK/bindings/kotlin" -name '*.kt') "$ROOT"/mobile-core/kotlin-tests/src/*.kt \
  -d "$WORK/tests.jar" 2>&1 | grep -v '^warning:' || true
[ -f "$WORK/tests.jar" ] || { echo "kotlinc failed"; exit 1; }
echo "kotlinc: $((SECONDS - started)) s"

run() {
  java -Djna.library.path="$WORK/lib" -cp "$WORK/tests.jar:$CLASSPATH:$KOTLIN/lib/kotlin-stdlib.jar" \
    vn.healthbook.jvmtest.MainKt "$@"
}
status=0
run booking "$TARGET/debug/healthbook" "$WORK/booking" || status=1
[ "$status" -eq 0 ] || exit 1
