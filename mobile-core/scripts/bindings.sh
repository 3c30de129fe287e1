#!/usr/bin/env bash
# Generates the Kotlin and Swift bindings of the mobile core in library mode, from a built
# library. The generated code is never committed: run this (or the Android/iOS build scripts,
# which call it) after every change to the core's exported API.
#
#   mobile-core/scripts/bindings.sh LIBRARY OUT_DIR [kotlin|swift]...
#
# LIBRARY is a built libhealthbook_core (.so, .dylib or .a of any target: the metadata is the
# same); OUT_DIR receives kotlin/ and swift/. The generator (package healthbook-core-bindgen)
# is built for the host.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LIBRARY=$1
OUT=$2
shift 2
LANGUAGES=("$@")
[ ${#LANGUAGES[@]} -gt 0 ] || LANGUAGES=(kotlin swift)

cargo build --quiet --manifest-path "$ROOT/Cargo.toml" -p healthbook-core-bindgen
BINDGEN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/uniffi-bindgen"

for language in "${LANGUAGES[@]}"; do
  rm -rf "${OUT:?}/$language"
  "$BINDGEN" generate --library "$LIBRARY" --language "$language" \
    --config "$ROOT/mobile-core/uniffi.toml" --out-dir "$OUT/$language" --no-format
done
