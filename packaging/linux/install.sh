#!/usr/bin/env bash
# Installs Downpour from this unpacked folder for you alone, into ~/.local (no root needed):
#   ~/.local/bin/downpour, ~/.local/bin/downpour-cli
#   ~/.local/share/applications/downpour.desktop   (the applications menu, "Open with")
#   ~/.local/share/icons/hicolor/…/downpour.png|svg (its icon)
#   ~/.local/share/metainfo/…metainfo.xml            (software centres)
# and refreshes the desktop and icon caches where those tools exist.
#   ./install.sh              install (again: replaces the files)
#   ./install.sh --uninstall  remove those files
# PREFIX=/some/where ./install.sh installs under another prefix instead of ~/.local.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-$HOME/.local}
bin="$prefix/bin"
share="$prefix/share"
metainfo=io.github.downpour.Downpour.metainfo.xml

refresh_caches() {
  if command -v update-desktop-database >/dev/null; then
    update-desktop-database -q "$share/applications" || true
  fi
  if command -v gtk-update-icon-cache >/dev/null; then
    gtk-update-icon-cache -q -f -t "$share/icons/hicolor" || true
  fi
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -f "$bin/downpour" "$bin/downpour-cli" "$share/applications/downpour.desktop" \
    "$share/metainfo/$metainfo" "$share/icons/hicolor/scalable/apps/downpour.svg" \
    "$share/icons/hicolor"/*/apps/downpour.png
  refresh_caches
  echo "Downpour removed from $prefix."
  exit 0
elif [ $# -gt 0 ]; then
  echo "usage: $0 [--uninstall]" >&2
  exit 2
fi

install -Dm755 "$here/downpour" "$bin/downpour"
install -Dm755 "$here/downpour-cli" "$bin/downpour-cli"
(cd "$here/share" && find icons -type f) | while read -r icon; do
  install -Dm644 "$here/share/$icon" "$share/$icon"
done
install -Dm644 "$here/share/metainfo/$metainfo" "$share/metainfo/$metainfo"

# The menu entry runs the program by its full path: ~/.local/bin is not on every desktop's
# PATH. Exec quotes it (desktop entry spec), so a home folder with spaces works.
exec_path=$bin/downpour
case $exec_path in
  *[\"\`\$\\]*) exec_line="Exec=downpour %F" ;; # characters the spec would need escaped: rely on PATH
  *) exec_line="Exec=\"$exec_path\" %F" ;;
esac
mkdir -p "$share/applications"
while IFS= read -r line; do
  case $line in
    Exec=*) printf '%s\n' "$exec_line" ;;
    TryExec=*) printf 'TryExec=%s\n' "$exec_path" ;;
    *) printf '%s\n' "$line" ;;
  esac
done <"$here/share/applications/downpour.desktop" >"$share/applications/downpour.desktop"
chmod 644 "$share/applications/downpour.desktop"

refresh_caches
echo "Downpour installed in $prefix: find it in your applications menu."
case ":$PATH:" in
  *":$bin:"*) ;;
  *) echo "To run downpour and downpour-cli from a terminal, add $bin to your PATH." ;;
esac
