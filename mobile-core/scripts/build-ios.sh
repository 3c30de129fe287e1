#!/usr/bin/env bash
# Builds the mobile core for iOS on a Mac: a static library per target, joined into
# HealthBookCoreFFI.xcframework, and the Swift bindings, all inside the local Swift package
# ios/HealthBookCore that the app depends on. Nothing it writes is committed.
#
#   mobile-core/scripts/build-ios.sh [release|debug]
#
# Needs Xcode (xcodebuild, lipo) and rustup; the Rust targets are added when missing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PROFILE=${1:-release}
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
PACKAGE="$ROOT/ios/HealthBookCore"
WORK="$TARGET/ios-core"

DEVICE=aarch64-apple-ios
SIMULATORS=(aarch64-apple-ios-sim x86_64-apple-ios)
rustup target add "$DEVICE" "${SIMULATORS[@]}" >/dev/null

profile_flag=()
profile_dir=debug
if [ "$PROFILE" = release ]; then profile_flag=(--release); profile_dir=release; fi
export IPHONEOS_DEPLOYMENT_TARGET=16.0

# The crate is a cdylib for Android; iOS links a static library, asked for here only.
for target in "$DEVICE" "${SIMULATORS[@]}"; do
  cargo rustc --manifest-path "$ROOT/Cargo.toml" -p healthbook-core --lib --crate-type staticlib \
    --target "$target" "${profile_flag[@]}"
done

rm -rf "$WORK" && mkdir -p "$WORK/device" "$WORK/simulator" "$WORK/headers"
cp "$TARGET/$DEVICE/$profile_dir/libhealthbook_core.a" "$WORK/device/"
lipo -create \
  "$TARGET/aarch64-apple-ios-sim/$profile_dir/libhealthbook_core.a" \
  "$TARGET/x86_64-apple-ios/$profile_dir/libhealthbook_core.a" \
  -output "$WORK/simulator/libhealthbook_core.a"

"$ROOT/mobile-core/scripts/bindings.sh" "$WORK/device/libhealthbook_core.a" "$WORK/bindings" swift

# Both crates' C declarations in one clang module, HealthBookCoreFFI (uniffi.toml points the
# domain's Swift file at it); the Swift files of both crates form the HealthBookCore module.
cp "$WORK"/bindings/swift/*.h "$WORK/headers/"
cat > "$WORK/headers/module.modulemap" <<'MAP'
module HealthBookCoreFFI {
    header "HealthBookCoreFFI.h"
    header "HealthBookDomainFFI.h"
    export *
}
MAP

rm -rf "$PACKAGE/HealthBookCoreFFI.xcframework" "$PACKAGE/Sources/HealthBookCore/Generated"
xcodebuild -create-xcframework \
  -library "$WORK/device/libhealthbook_core.a" -headers "$WORK/headers" \
  -library "$WORK/simulator/libhealthbook_core.a" -headers "$WORK/headers" \
  -output "$PACKAGE/HealthBookCoreFFI.xcframework"
mkdir -p "$PACKAGE/Sources/HealthBookCore/Generated"
cp "$WORK"/bindings/swift/*.swift "$PACKAGE/Sources/HealthBookCore/Generated/"
echo "iOS core: $PACKAGE/HealthBookCoreFFI.xcframework, bindings in $PACKAGE/Sources/HealthBookCore/Generated"
