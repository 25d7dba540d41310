#!/usr/bin/env bash
# Regenerates every icon file from the one source image, assets/icon.svg:
#   assets/icons/hicolor/NxN/apps/downpour.png  16..256 px, for Linux desktops (.deb, tarball)
#   assets/icon.png                             256 px, the window icon (src/main.rs include_bytes!)
#   assets/icon.ico                             16..256 px, Windows (.exe resource, installer)
#   assets/icon.icns                            16..1024 px, macOS (Downpour.app)
# The outputs are committed, so building and packaging need no image tools; run this only after
# changing the SVG, look at the results, and commit them. Needs rsvg-convert (Debian:
# librsvg2-bin), ImageMagick's convert (imagemagick) and python3. The outputs are the same
# bytes on every run with the same tool versions (no time stamps).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in rsvg-convert convert python3; do
  command -v "$tool" >/dev/null || { echo "icons.sh: $tool is missing (apt-get install librsvg2-bin imagemagick python3)" >&2; exit 1; }
done

svg=assets/icon.svg
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

render() { # SIZE → $work/SIZE.png
  rsvg-convert --width "$1" --height "$1" --keep-aspect-ratio "$svg" --output "$work/$1.png"
}
for size in 16 24 32 48 64 128 256 512 1024; do
  render "$size"
done

# Linux: the freedesktop icon theme layout, copied as it is into /usr/share/icons or ~/.local.
rm -rf assets/icons/hicolor
for size in 16 32 48 64 128 256; do
  install -Dm644 "$work/$size.png" "assets/icons/hicolor/${size}x${size}/apps/downpour.png"
done
install -Dm644 "$work/256.png" assets/icon.png

# Windows: one .ico with the sizes Explorer, the taskbar and the title bar ask for. ImageMagick
# stores 16..64 as bitmaps and 256 as PNG, as Windows expects.
convert "$work"/{16,24,32,48,64,256}.png assets/icon.ico

# macOS: an .icns of PNG images (the format iconutil writes; png2icns would store the large
# ones as JPEG 2000). Types: icp4/icp5/icp6 16/32/64 px, ic07 128, ic08 256, ic09 512,
# ic10 1024 (512@2x), ic11 32 (16@2x), ic12 64 (32@2x), ic13 256 (128@2x), ic14 512 (256@2x).
python3 - "$work" assets/icon.icns <<'PY'
import struct, sys
work, out = sys.argv[1], sys.argv[2]
types = [("icp4", 16), ("icp5", 32), ("icp6", 64), ("ic07", 128), ("ic08", 256), ("ic09", 512),
         ("ic10", 1024), ("ic11", 32), ("ic12", 64), ("ic13", 256), ("ic14", 512)]
body = b""
for kind, size in types:
    with open(f"{work}/{size}.png", "rb") as f:
        png = f.read()
    body += kind.encode() + struct.pack(">I", 8 + len(png)) + png
with open(out, "wb") as f:
    f.write(b"icns" + struct.pack(">I", 8 + len(body)) + body)
PY

echo "icons.sh: wrote assets/icons/hicolor, assets/icon.png, assets/icon.ico, assets/icon.icns"
