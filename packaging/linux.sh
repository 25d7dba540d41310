#!/usr/bin/env bash
# Builds Downpour's Linux packages from one release build, into $CARGO_TARGET_DIR/dist (by
# default target/dist):
#   downpour_<version>_<arch>.deb          for Debian and Ubuntu: double-click or `apt install ./…`
#   downpour-<version>-<machine>-linux.tar.gz  any distribution: unpack and run ./install.sh
# The version is Cargo.toml's. Used by CI (packaging/check.sh) and the release workflow.
#
# Why plain dpkg-deb from a staged tree, not cargo-deb: it needs nothing beyond dpkg-dev (on
# every Debian/Ubuntu build machine and CI runner), while cargo-deb would first be compiled from
# source in every CI run (minutes on 2 cores); the package is a few files, spelled out below.
# Its Depends are computed by dpkg-shlibdeps from the binaries, plus the libraries that
# eframe/winit open at run time with dlopen (see RUNTIME_DEPENDS), which no tool can see.
#
# Needs: cargo, dpkg-dev (dpkg-shlibdeps), python3 (reads `cargo metadata`), tar, gzip.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

# Libraries the window opens with dlopen, not linked (so dpkg-shlibdeps cannot find them), by
# Debian/Ubuntu package. Found by running the packaged window under Xvfb with LD_DEBUG=files
# ("dynamically loaded by …/downpour"); packaging/check.sh repeats that on every CI run and
# fails if one it loads is in neither Depends nor Recommends. Wayland's were seen once by hand
# under Weston's headless back end (libwayland-client, libwayland-egl; with no seat there,
# libwayland-cursor and libxkbcommon, which winit opens for a pointer and a keyboard, were read
# from the wayland-sys and xkbcommon-dl crates); CI runs no compositor. eframe 0.37 draws with
# wgpu: Vulkan when libvulkan1 and a driver are there, else OpenGL ES through libEGL, whose
# driver (Mesa's or a vendor's) is the system's business.
RUNTIME_DEPENDS=(
  libx11-6 libx11-xcb1 libxcb1 libxcursor1 libxi6            # X11 windows, cursors, input
  libxkbcommon0 libxkbcommon-x11-0                           # keyboard layouts
  libwayland-client0 libwayland-cursor0 libwayland-egl1      # Wayland
  libegl1                                                    # OpenGL ES (wgpu's fallback)
  libfontconfig1                                             # system fonts (CJK fallback)
)
# Not needed to run, wanted for the usual path: Vulkan, and an EGL driver for the fallback.
RUNTIME_RECOMMENDS="libvulkan1, libegl-mesa0 | libegl-vendor"

meta=$(cargo metadata --format-version 1 --no-deps --locked)
field() { python3 -c 'import json,sys; m=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1" <<<"$meta"; }
version=$(field 'next(p for p in m["packages"] if p["name"]=="downpour")["version"]')
target_dir=$(field 'm["target_directory"]')
dist="$target_dir/dist"
release="$target_dir/release"
deb_arch=$(dpkg --print-architecture)
machine=$(uname -m)
# The package's Maintainer field; the default address is a reserved, unreachable one (RFC 2606)
# until the project has a real one: set DEB_MAINTAINER="Name <address>" to override.
maintainer=${DEB_MAINTAINER:-Downpour contributors <maintainers@downpour.invalid>}

echo "linux.sh: Downpour $version, building release binaries"
cargo build --release --locked --bins
mkdir -p "$dist"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Time stamps inside both packages: the last commit's, so the same commit packs the same bytes.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

# Installs the desktop integration files under $1 (a prefix: usr/ or the tarball's folder).
install_desktop_files() {
  local share=$1
  install -Dm644 assets/downpour.desktop "$share/applications/downpour.desktop"
  local png
  for png in assets/icons/hicolor/*/apps/downpour.png; do
    install -Dm644 "$png" "$share/icons/${png#assets/icons/}"
  done
  install -Dm644 assets/icon.svg "$share/icons/hicolor/scalable/apps/downpour.svg"
  install -Dm644 assets/io.github.downpour.Downpour.metainfo.xml \
    "$share/metainfo/io.github.downpour.Downpour.metainfo.xml"
}

# ---- .deb ----------------------------------------------------------------------------------
root="$work/deb"
install -Dm755 "$release/downpour" "$root/usr/bin/downpour"
install -Dm755 "$release/downpour-cli" "$root/usr/bin/downpour-cli"
install_desktop_files "$root/usr/share"
install -Dm644 packaging/linux/copyright "$root/usr/share/doc/downpour/copyright"
install -Dm644 README.md "$root/usr/share/doc/downpour/README.md"
# Debian wants a changelog in every package; the project's history is in git.
cat >"$work/changelog" <<CHANGELOG
downpour ($version) unstable; urgency=medium

  * Downpour $version. The changes are in the project's git history.

 -- $maintainer  $(date -R -u -d "@$SOURCE_DATE_EPOCH")
CHANGELOG
gzip -9n <"$work/changelog" >"$work/changelog.gz"
install -Dm644 "$work/changelog.gz" "$root/usr/share/doc/downpour/changelog.gz"

# The browser extension may start downpour as its native host, for every user (per user,
# `downpour --install-browser-integration` writes the same): Chrome, Chromium and Edge read
# /etc, Firefox /usr/lib/mozilla. Each allows only Downpour's extension.
native() { sed -n "s/^pub const $1: &str = \"\(.*\)\";/\1/p" src/handoff/native.rs; }
host=$(native HOST_NAME)
chromium_id=$(native CHROMIUM_EXTENSION_ID)
firefox_id=$(native FIREFOX_EXTENSION_ID)
if [ -z "$host" ] || [ -z "$chromium_id" ] || [ -z "$firefox_id" ]; then
  echo "linux.sh: the native host's name or the extension's ids not found in src/handoff/native.rs" >&2
  exit 1
fi
conffiles=()
for dir in etc/opt/chrome etc/chromium etc/opt/edge usr/lib/mozilla; do
  mkdir -p "$root/$dir/native-messaging-hosts"
  if [ "$dir" = usr/lib/mozilla ]; then
    allowed="\"allowed_extensions\": [\"$firefox_id\"]"
  else
    allowed="\"allowed_origins\": [\"chrome-extension://$chromium_id/\"]"
    conffiles+=("/$dir/native-messaging-hosts/$host.json")
  fi
  cat >"$root/$dir/native-messaging-hosts/$host.json" <<MANIFEST
{
  "name": "$host",
  "description": "Downpour: downloads the links sent from the browser",
  "path": "/usr/bin/downpour",
  "type": "stdio",
  $allowed
}
MANIFEST
  chmod 644 "$root/$dir/native-messaging-hosts/$host.json"
done

# Shared libraries the binaries link: dpkg-shlibdeps, which wants to run beside a
# debian/control, so it gets a minimal one in a scratch folder.
mkdir -p "$work/shlibs/debian"
printf 'Source: downpour\n\nPackage: downpour\nArchitecture: any\n' >"$work/shlibs/debian/control"
linked=$(cd "$work/shlibs" && dpkg-shlibdeps -O -e"$root/usr/bin/downpour" -e"$root/usr/bin/downpour-cli" 2>"$work/shlibdeps.log") ||
  { cat "$work/shlibdeps.log" >&2; exit 1; }
linked=${linked#shlibs:Depends=}
runtime=$(printf ', %s' "${RUNTIME_DEPENDS[@]}")
depends="$linked$runtime"

installed_kib=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
mkdir -p "$root/DEBIAN"
printf '%s\n' "${conffiles[@]}" >"$root/DEBIAN/conffiles"
cat >"$root/DEBIAN/control" <<CONTROL
Package: downpour
Version: $version
Architecture: $deb_arch
Maintainer: $maintainer
Installed-Size: $installed_kib
Depends: $depends
Recommends: $RUNTIME_RECOMMENDS
Section: net
Priority: optional
Description: batch downloader that shows what concurrency does
 Paste a list of links, pick a folder and how to download (sequentially, several
 at once as they complete, or several at once in list order) and press Start.
 Every file streams to disk with its own progress bar, and charts show when each
 download ran and in which order its result arrived. Nothing is overwritten, and
 unfinished large files continue where they stopped.
 .
 Includes the window (downpour) and a command line tool (downpour-cli).
CONTROL
(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
find "$root" -depth -exec touch --no-dereference --date="@$SOURCE_DATE_EPOCH" {} +
deb="$dist/downpour_${version}_${deb_arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "linux.sh: wrote $deb"

# ---- tarball -------------------------------------------------------------------------------
name="downpour-$version-$machine-linux"
tree="$work/$name"
install -Dm755 "$release/downpour" "$tree/downpour"
install -Dm755 "$release/downpour-cli" "$tree/downpour-cli"
install -Dm755 packaging/linux/install.sh "$tree/install.sh"
install -m644 README.md LICENSE-MIT LICENSE-APACHE "$tree/"
install_desktop_files "$tree/share"
find "$tree" -depth -exec touch --no-dereference --date="@$SOURCE_DATE_EPOCH" {} +
tarball="$dist/$name.tar.gz"
tar --sort=name --owner=0 --group=0 --numeric-owner -C "$work" -cf - "$name" | gzip -9n >"$tarball"
echo "linux.sh: wrote $tarball"
