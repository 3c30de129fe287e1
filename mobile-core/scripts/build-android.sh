#!/usr/bin/env bash
# Builds the mobile core for Android: libhealthbook_core.so for each ABI (cargo-ndk) and the
# Kotlin bindings. The app's Gradle build runs it before every build (task :app:buildCore);
# it can also run by hand:
#
#   mobile-core/scripts/build-android.sh [OUT_DIR] [release|debug]
#
# OUT_DIR (default android/app/build/generated/healthbook-core) receives jniLibs/<abi>/ and
# kotlin/. Needs the Android NDK (ANDROID_NDK_HOME, or ndk/<version> in ANDROID_HOME) and
# cargo-ndk (`cargo install cargo-ndk`); the Rust targets are added when missing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$ROOT/android/app/build/generated/healthbook-core}
PROFILE=${2:-release}
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

# ABI → Rust target. x86_64 is for the emulator; armeabi-v7a for older phones still in use.
ABIS=(arm64-v8a armeabi-v7a x86_64)
RUST_TARGETS=(aarch64-linux-android armv7-linux-androideabi x86_64-linux-android)

if [ -z "${ANDROID_NDK_HOME:-}" ] && [ -n "${ANDROID_HOME:-}" ] && [ -d "$ANDROID_HOME/ndk" ]; then
  ANDROID_NDK_HOME="$ANDROID_HOME/ndk/$(ls "$ANDROID_HOME/ndk" | sort -V | tail -n 1)"
  export ANDROID_NDK_HOME
fi
command -v cargo-ndk >/dev/null || { echo "cargo-ndk is missing: cargo install cargo-ndk" >&2; exit 1; }
rustup target add "${RUST_TARGETS[@]}" >/dev/null

profile_flag=()
[ "$PROFILE" = release ] && profile_flag=(--release)
abi_flags=()
for abi in "${ABIS[@]}"; do abi_flags+=(-t "$abi"); done

# 16 KB pages: required of native code by Google Play for Android 15 devices.
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,-z,max-page-size=16384"
cargo ndk "${abi_flags[@]}" --platform 28 -o "$OUT/jniLibs" \
  build --manifest-path "$ROOT/Cargo.toml" -p healthbook-core --lib "${profile_flag[@]}"
unset RUSTFLAGS

# The metadata uniffi reads is the same in every ABI's library.
"$ROOT/mobile-core/scripts/bindings.sh" "$OUT/jniLibs/arm64-v8a/libhealthbook_core.so" "$OUT" kotlin
echo "Android core: $OUT/jniLibs (${ABIS[*]}), bindings in $OUT/kotlin"
