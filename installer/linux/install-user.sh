#!/usr/bin/env bash
# Install pmdesk for this user only (no root), or remove it again.
#
#   ./install-user.sh              install the pmdesk folder this script sits in
#   ./install-user.sh uninstall    remove everything the install added
#
# Run it from the unpacked pmdesk-<version>-linux-x86_64.tar.gz (the script is in the
# pmdesk/ folder beside the executable), or from a checkout after a build (it then uses
# dist/pmdesk/). Everything goes under ~/.local (PMDESK_PREFIX chooses another place):
#
#   lib/pmdesk/                                  the app (a copy: the download can go)
#   bin/pmdesk                                   a symlink to lib/pmdesk/pmdesk
#   share/applications/pmdesk.desktop            the menu entry; opens .pmdesk files
#   share/mime/packages/pmdesk.xml               application/x-pmdesk: *.pmdesk + magic
#   share/icons/hicolor/*/{apps,mimetypes}/...   the app and document icons
#
# then refreshes the MIME, desktop and icon caches with whichever tools are present, and
# (for the default prefix) makes pmdesk the default application for .pmdesk files.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX=${PMDESK_PREFIX:-$HOME/.local}
APP_HOME=$PREFIX/lib/pmdesk
DESKTOP_ID=pmdesk.desktop
MIME_TYPE=application/x-pmdesk

say() { echo "pmdesk: $*"; }
fail() { echo "pmdesk: $*" >&2; exit 1; }

bundle_dir() {
    # The built app: this folder when the script ships inside it, else dist/pmdesk of a checkout.
    local candidate
    for candidate in "$HERE" "$HERE/../../dist/pmdesk"; do
        if [ -x "$candidate/pmdesk" ] && [ -d "$candidate/share" ]; then
            (cd "$candidate" && pwd); return 0
        fi
    done
    fail "no built pmdesk here or in dist/pmdesk (build it: bash installer/dev.sh bundle)"
}

shared_files() {
    # The files under share/ of a bundle, relative to share/ (what the install copies out).
    (cd "$1/share" && find . -type f | sed 's|^\./||' | sort)
}

desktop_exec_quote() {
    # Exec= takes a quoted path; refuse characters that would need escaping rules of their own.
    case "$1" in
        *[\"\`\$\\]* | *$'\n'*) fail "cannot install under a path with \" \` \$ or \\ in it: $1" ;;
    esac
    printf '"%s"' "$1"
}

write_desktop_entry() {
    # The shipped entry, with Exec and TryExec pointing at the installed executable.
    local source=$1 target=$2 executable=$3 line
    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in
            Exec=*) line="Exec=$(desktop_exec_quote "$executable") %f" ;;
            TryExec=*) line="TryExec=$executable" ;;
        esac
        printf '%s\n' "$line"
    done < "$source" > "$target"
}

refresh_caches() {
    # Each tool is optional (a minimal system has none); a failing one is reported, not fatal.
    local share=$PREFIX/share
    if [ -d "$share/mime/packages" ] && command -v update-mime-database >/dev/null 2>&1; then
        update-mime-database "$share/mime" || say "update-mime-database failed"
    fi
    if [ -d "$share/applications" ] && command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$share/applications" || say "update-desktop-database failed"
    fi
    if [ -d "$share/icons/hicolor" ]; then
        if command -v gtk-update-icon-cache >/dev/null 2>&1; then
            gtk-update-icon-cache -q -t -f "$share/icons/hicolor" || true
        fi
        touch "$share/icons/hicolor"  # desktops rescan icons when the folder's mtime changes
    fi
}

install_app() {
    local source relative
    source=$(bundle_dir)
    if [ "$source" != "$(cd "$APP_HOME" 2>/dev/null && pwd || true)" ]; then
        if [ -e "$APP_HOME" ] && [ ! -x "$APP_HOME/pmdesk" ]; then
            fail "$APP_HOME exists and is not a pmdesk installation; not touching it"
        fi
        rm -rf "$APP_HOME"
        mkdir -p "$(dirname "$APP_HOME")"
        cp -a "$source" "$APP_HOME"
    fi
    mkdir -p "$PREFIX/bin"
    ln -sfn "$APP_HOME/pmdesk" "$PREFIX/bin/pmdesk"
    while IFS= read -r relative; do
        mkdir -p "$(dirname "$PREFIX/share/$relative")"
        case "$relative" in
            applications/"$DESKTOP_ID")
                write_desktop_entry "$APP_HOME/share/$relative" "$PREFIX/share/$relative" \
                    "$APP_HOME/pmdesk" ;;
            *) cp -f "$APP_HOME/share/$relative" "$PREFIX/share/$relative" ;;
        esac
    done < <(shared_files "$APP_HOME")
    refresh_caches
    if [ -z "${PMDESK_PREFIX:-}" ] && command -v xdg-mime >/dev/null 2>&1; then
        xdg-mime default "$DESKTOP_ID" "$MIME_TYPE" || true
    fi
    say "installed $("$APP_HOME/pmdesk" --version 2>/dev/null || echo pmdesk) in $APP_HOME"
    case ":$PATH:" in
        *":$PREFIX/bin:"*) ;;
        *) say "$PREFIX/bin is not on your PATH; the menu entry works anyway" ;;
    esac
}

uninstall_app() {
    local relative
    [ -x "$APP_HOME/pmdesk" ] || fail "pmdesk is not installed in $APP_HOME"
    while IFS= read -r relative; do
        rm -f "$PREFIX/share/$relative"
    done < <(shared_files "$APP_HOME")
    if [ -L "$PREFIX/bin/pmdesk" ]; then
        rm -f "$PREFIX/bin/pmdesk"
    fi
    rm -rf "$APP_HOME"
    refresh_caches
    say "removed pmdesk from $PREFIX (your .pmdesk files and settings are kept)"
}

main() {
    case "${1:-install}" in
        install) install_app ;;
        uninstall) uninstall_app ;;
        *) echo "usage: $0 [install|uninstall]" >&2; exit 2 ;;
    esac
}

main "$@"
