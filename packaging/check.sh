#!/usr/bin/env bash
# Checks Downpour's packaging as a user would meet it, after building the Linux packages with
# packaging/linux.sh (one release build). Called by .ci/run; run it alone the same way:
#   bash packaging/check.sh
# 1. the desktop entry and AppStream metainfo validate, and the metainfo's release is
#    Cargo.toml's version;
# 2. the .deb: its fields and files are printed, its Depends can be installed here (apt-get
#    satisfy; this also installs them, as the window check needs them), and the binaries
#    unpacked from it with dpkg-deb -x print --version;
# 3. the window from the .deb opens under Xvfb, with a throwaway HOME and XDG folders: a
#    screenshot goes to dist/downpour-xvfb.png, and every library the program itself opened
#    with dlopen must belong to a package in Depends or Recommends (linux.sh RUNTIME_DEPENDS);
# 4. the tarball's install.sh installs into and uninstalls from a throwaway HOME;
# 5. the files only other platforms build from: the Windows .rc compiles with windres (if
#    installed), Info.plist parses, the .ico/.icns hold the sizes they should, and the
#    workflows parse as YAML. Everything stays on this machine: no check uses the network.
# Needs (Debian packages; .ci/run installs them): dpkg-dev desktop-file-utils appstream xvfb
# xauth xdotool x11-utils imagemagick binutils-mingw-w64-x86-64 python3-yaml shellcheck.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
started=$SECONDS

bash packaging/linux.sh

meta=$(cargo metadata --format-version 1 --no-deps --locked)
field() { python3 -c 'import json,sys; m=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1" <<<"$meta"; }
version=$(field 'next(p for p in m["packages"] if p["name"]=="downpour")["version"]')
dist="$(field 'm["target_directory"]')/dist"
deb="$dist/downpour_${version}_$(dpkg --print-architecture).deb"
tarball="$dist/downpour-$version-$(uname -m)-linux.tar.gz"
work=$(mktemp -d)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "check.sh: FAILED: $*" >&2; exit 1; }
step() { echo; echo "== check.sh: $*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

step "desktop entry and AppStream metainfo"
metainfo=assets/io.github.downpour.Downpour.metainfo.xml
desktop-file-validate assets/downpour.desktop
echo "desktop-file-validate assets/downpour.desktop: ok"
if command -v appstreamcli >/dev/null; then
  appstreamcli validate --no-net "$metainfo"
else
  echo "appstreamcli not installed: metainfo not validated"
fi
release=$(python3 -c 'import sys, xml.etree.ElementTree as E; print(E.parse(sys.argv[1]).find("releases/release").get("version"))' "$metainfo")
[ "$release" = "$version" ] || fail "$metainfo: newest release is $release, Cargo.toml says $version"

step "the .deb: $deb"
dpkg-deb --info "$deb"
dpkg-deb --contents "$deb"
depends=$(dpkg-deb --field "$deb" Depends)
# Installs whatever of Depends is missing (and fails if apt cannot satisfy it).
if ! dpkg-checkbuilddeps -d "$depends" /dev/null 2>/dev/null; then
  echo "installing what Depends needs: apt-get satisfy (log: $work/apt.log)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get satisfy -y -qq --no-install-recommends "$depends" \
    >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get satisfy could not install Depends"; }
fi
dpkg-checkbuilddeps -d "$depends" /dev/null || fail "Depends not satisfied after apt-get satisfy"
root="$work/deb"
dpkg-deb -x "$deb" "$root"
desktop-file-validate "$root/usr/share/applications/downpour.desktop"
# The browsers' native-messaging manifests for every user: each names /usr/bin/downpour.
for manifest in etc/opt/chrome etc/chromium etc/opt/edge usr/lib/mozilla; do
  manifest="$root/$manifest/native-messaging-hosts/app.downpour.host.json"
  [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["path"])' "$manifest")" = /usr/bin/downpour ] ||
    fail "the .deb's $manifest does not start /usr/bin/downpour"
done
dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles | grep -qx /etc/chromium/native-messaging-hosts/app.downpour.host.json ||
  fail "the .deb does not keep the browsers' manifests in /etc as conffiles"
for bin in downpour downpour-cli; do
  if ldd "$root/usr/bin/$bin" | grep -q "not found"; then fail "$bin: a linked library is missing"; fi
done
cli_version=$("$root/usr/bin/downpour-cli" --version)
echo "downpour-cli --version: $cli_version"
[[ $cli_version == *"$version"* ]] || fail "downpour-cli --version does not say $version"
gui_version=$(timeout 10 "$root/usr/bin/downpour" --version 2>&1) \
  || fail "downpour --version failed: $gui_version"
echo "downpour --version: $gui_version"
[ "${gui_version#downpour }" = "${cli_version#downpour-cli }" ] \
  || fail "downpour --version ($gui_version) and downpour-cli --version ($cli_version) disagree"

step "the window from the .deb under Xvfb"
home="$work/home"
mkdir -p "$home/.config" "$home/.local/share" "$home/.cache" "$home/.local/state" "$work/runtime"
chmod 700 "$work/runtime"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || { cat "$work/xvfb.log"; fail "Xvfb did not start"; }
display=":$(cat "$work/display")"
launched=$SECONDS
env -u WAYLAND_DISPLAY -u XDG_SESSION_TYPE DISPLAY="$display" HOME="$home" \
  XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" \
  XDG_CACHE_HOME="$home/.cache" XDG_STATE_HOME="$home/.local/state" \
  XDG_RUNTIME_DIR="$work/runtime" LD_DEBUG=files LD_DEBUG_OUTPUT="$work/ld" \
  "$root/usr/bin/downpour" >"$work/downpour.log" 2>&1 &
app=$!
pids+=("$app")
window=""
for _ in $(seq 200); do # up to 20 s
  window=$(DISPLAY="$display" xdotool search --name Downpour 2>/dev/null | head -n1) && [ -n "$window" ] && break
  kill -0 "$app" 2>/dev/null || { cat "$work/downpour.log"; fail "downpour exited before its window appeared"; }
  sleep 0.1
done
[ -n "$window" ] || { cat "$work/downpour.log"; fail "no Downpour window within 20 s"; }
echo "window $window appeared $((SECONDS - launched)) s after launch: $(DISPLAY="$display" xdotool getwindowname "$window")"
if command -v xprop >/dev/null; then
  DISPLAY="$display" xprop -id "$window" WM_CLASS
  DISPLAY="$display" xprop -id "$window" WM_CLASS | grep -q '"downpour"' ||
    fail "WM_CLASS does not match the desktop entry's StartupWMClass=downpour"
fi
sleep 3 # the first frames
screenshot="$dist/downpour-xvfb.png"
DISPLAY="$display" import -window root "$screenshot"
colours=$(convert "$screenshot" -format '%k' info:)
echo "screenshot: $screenshot ($colours colours)"
[ "$colours" -gt 50 ] || fail "the screenshot is (nearly) blank: $colours colours"
kill "$app"
wait "$app" 2>/dev/null || true

# Libraries that downpour itself loaded with dlopen ("file=libXcursor.so.1 [0];  dynamically
# loaded by /…/usr/bin/downpour [0]", and a link map generated for them: tries that found
# nothing, like wgpu asking for libvulkan.so.1 where it is not installed, have none), each by
# the package that ships it, which must be in Depends or Recommends.
cat "$work"/ld.* | sed 's/^[[:space:]]*[0-9]*:[[:space:]]*//' >"$work/ld.txt"
sonames=$(comm -12 \
  <(sed -n "s|^file=\([^ ]*\) .*dynamically loaded by $root/usr/bin/downpour .*|\1|p" "$work/ld.txt" | sort -u) \
  <(sed -n 's|^file=\([^ ]*\) .*generating link map.*|\1|p' "$work/ld.txt" | sort -u))
[ -n "$sonames" ] || fail "LD_DEBUG recorded no library loaded by downpour with dlopen"
# The package names of Depends and Recommends, without versions, one space around each.
related=" $(printf '%s, %s' "$depends" "$(dpkg-deb --field "$deb" Recommends)" |
  sed -e 's/([^)]*)//g' -e 's/[,|]/ /g' | tr -s ' ') "
missing=()
for soname in $sonames; do
  package=$(dpkg -S "$soname" 2>/dev/null | awk -F': ' -v want="/$soname" '{ n = length(want) } substr($2, length($2) - n + 1) == want { print $1; exit }')
  package=${package%%:*}
  echo "dlopen $soname: ${package:-no package}"
  [ -n "$package" ] || { missing+=("$soname (no package)"); continue; }
  [[ $related == *" $package "* ]] || missing+=("$soname ($package)")
done
[ ${#missing[@]} -eq 0 ] ||
  fail "loaded with dlopen but in neither Depends nor Recommends (packaging/linux.sh RUNTIME_DEPENDS): ${missing[*]}"

step "the tarball's install.sh, in a throwaway HOME: $tarball"
tar -xzf "$tarball" -C "$work"
unpacked="$work/downpour-$version-$(uname -m)-linux"
tarhome="$work/tarhome"
mkdir -p "$tarhome"
HOME="$tarhome" "$unpacked/install.sh"
for file in bin/downpour bin/downpour-cli share/applications/downpour.desktop \
  share/icons/hicolor/16x16/apps/downpour.png share/icons/hicolor/256x256/apps/downpour.png \
  share/icons/hicolor/scalable/apps/downpour.svg share/metainfo/io.github.downpour.Downpour.metainfo.xml; do
  [ -e "$tarhome/.local/$file" ] || fail "install.sh did not install ~/.local/$file"
done
desktop-file-validate "$tarhome/.local/share/applications/downpour.desktop"
grep "^Exec=\"$tarhome/.local/bin/downpour\" %F$" "$tarhome/.local/share/applications/downpour.desktop" ||
  fail "the installed entry does not run ~/.local/bin/downpour"
"$tarhome/.local/bin/downpour-cli" --version
HOME="$tarhome" "$unpacked/install.sh" --uninstall
left=$(find "$tarhome/.local" -type f ! -name '*.cache' ! -name 'mimeinfo.cache')
[ -z "$left" ] || fail "install.sh --uninstall left: $left"

step "files for the other platforms"
if command -v x86_64-w64-mingw32-windres >/dev/null; then
  # The same version.h build.rs writes; windres with the system's C preprocessor.
  IFS=. read -r major minor patch <<<"${version%%-*}"
  printf '#define DOWNPOUR_VERSION_NUMBERS %s,%s,%s,0\n#define DOWNPOUR_VERSION_TEXT "%s"\n' \
    "$major" "$minor" "$patch" "$version" >"$work/version.h"
  x86_64-w64-mingw32-windres --preprocessor=cpp --preprocessor-arg=-xc \
    --preprocessor-arg=-DRC_INVOKED -I "$work" -I . \
    --input packaging/windows/downpour.rc --output "$work/downpour.res" --output-format=res
  x86_64-w64-mingw32-windres --input "$work/downpour.res" --output-format=rc |
    grep -E 'RT_GROUP_ICON|VALUE "(FileVersion|ProductName)"'
else
  echo "windres not installed: packaging/windows/downpour.rc not compiled"
fi
python3 - "$version" <<'PY'
import plistlib, struct, sys
version = sys.argv[1]
with open("packaging/macos/Info.plist", "rb") as f:
    plist = plistlib.loads(f.read().replace(b"@VERSION@", version.encode()))
assert plist["CFBundleShortVersionString"] == version and plist["NSHighResolutionCapable"] is True
print("Info.plist:", plist["CFBundleIdentifier"], plist["CFBundleShortVersionString"])

def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])

with open("assets/icon.icns", "rb") as f:
    icns = f.read()
assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
pos, sizes = 8, {}
while pos < len(icns):
    kind, length = icns[pos:pos + 4].decode(), struct.unpack(">I", icns[pos + 4:pos + 8])[0]
    sizes[kind] = png_size(icns[pos + 8:pos + length])[0]
    pos += length
want = {"icp4": 16, "icp5": 32, "icp6": 64, "ic07": 128, "ic08": 256, "ic09": 512, "ic10": 1024,
        "ic11": 32, "ic12": 64, "ic13": 256, "ic14": 512}
assert sizes == want, sizes
print("icon.icns:", " ".join(f"{k}={v}" for k, v in sizes.items()))

with open("assets/icon.ico", "rb") as f:
    ico = f.read()
reserved, kind, count = struct.unpack("<3H", ico[:6])
assert (reserved, kind) == (0, 1)
ico_sizes = sorted(e[0] or 256 for e in (ico[6 + 16 * i:22 + 16 * i] for i in range(count)))
assert ico_sizes == [16, 24, 32, 48, 64, 256], ico_sizes
print("icon.ico:", ico_sizes)
PY
/usr/bin/python3 - <<'PY'
import yaml
for name in ("ci", "release"):
    path = f".github/workflows/{name}.yml"
    with open(path) as f:
        flow = yaml.safe_load(f)
    print(path + ":", "jobs", ", ".join(flow["jobs"]))
PY
for script in packaging/linux.sh packaging/macos.sh packaging/check.sh packaging/icons.sh; do
  [ -f "$script" ] || fail "$script is missing (the workflows call it)"
done
if command -v shellcheck >/dev/null; then
  shellcheck .ci/run packaging/*.sh packaging/linux/install.sh
  echo "shellcheck: ok"
fi

echo
echo "check.sh: packaging checks passed in $((SECONDS - started)) s (screenshot $screenshot)"
