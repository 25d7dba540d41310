#!/usr/bin/env bash
# Builds Downpour for macOS on a Mac (the release workflow's macOS job): release binaries for
# Apple silicon (aarch64) and Intel (x86_64), joined by lipo into one universal binary, in
# Downpour.app (Info.plist from packaging/macos/Info.plist, icon assets/icon.icns), signed
# ad hoc, inside a disk image with an Applications link for drag-to-install:
#   $CARGO_TARGET_DIR/dist/Downpour-<version>-macos-universal.dmg   (default target/dist)
# The app is not notarized: the first open needs right-click → Open (README, Download).
# Needs Xcode's command line tools (lipo, codesign, hdiutil) and both Rust targets:
#   rustup target add aarch64-apple-darwin x86_64-apple-darwin
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
# Both slices run on macOS 11 and later (Info.plist's LSMinimumSystemVersion).
export MACOSX_DEPLOYMENT_TARGET=11.0

meta=$(cargo metadata --format-version 1 --no-deps --locked)
field() { python3 -c 'import json,sys; m=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1" <<<"$meta"; }
version=$(field 'next(p for p in m["packages"] if p["name"]=="downpour")["version"]')
target_dir=$(field 'm["target_directory"]')
dist="$target_dir/dist"
mkdir -p "$dist"

for target in aarch64-apple-darwin x86_64-apple-darwin; do
  cargo build --release --locked --bins --target "$target"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
app="$work/dmg/Downpour.app"
mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources"
for bin in downpour downpour-cli; do
  lipo -create -output "$app/Contents/MacOS/$bin" \
    "$target_dir/aarch64-apple-darwin/release/$bin" "$target_dir/x86_64-apple-darwin/release/$bin"
done
sed "s/@VERSION@/$version/g" packaging/macos/Info.plist >"$app/Contents/Info.plist"
plutil -lint "$app/Contents/Info.plist"
printf 'APPL????' >"$app/Contents/PkgInfo"
cp assets/icon.icns "$app/Contents/Resources/Downpour.icns"
cp LICENSE-MIT LICENSE-APACHE "$app/Contents/Resources/"
# An ad-hoc signature over the whole bundle: without one, Apple silicon Macs call a downloaded
# app "damaged" instead of offering to open it.
codesign --force --deep --sign - "$app"
codesign --verify --deep --strict "$app"
lipo -info "$app/Contents/MacOS/downpour"

ln -s /Applications "$work/dmg/Applications"
dmg="$dist/Downpour-$version-macos-universal.dmg"
rm -f "$dmg"
hdiutil create -volname "Downpour $version" -srcfolder "$work/dmg" -format UDZO -ov "$dmg"
echo "macos.sh: wrote $dmg"
