#!/usr/bin/env bash
# `make usb DEST=DIR`: writes the USB-stick layout for technicians into DIR (the stick's top):
#
#   DIR/KIOSK/app/kiosk-<version>-linux-<arch>.tar.gz (+ .sha256)   the frozen kiosk (make dist)
#   DIR/KIOSK/app/requires.txt     the oldest glibc it runs on, checked by install.sh
#   DIR/KIOSK/bundles/*.kbundle    signed lesson bundles (make bundles)
#   DIR/KIOSK/keys/*.pub           the publisher's public key(s) (and *.keyring), never a .key
#   DIR/KIOSK/sync/                sync files travel here (kiosk sync export)
#   DIR/KIOSK/install.sh           the Linux installer (build/usb/install.sh)
#   DIR/KIOSK/INSTALL.txt          plain-language steps, Vietnamese and English
#
# The app travels as a tar.gz because sticks are FAT or exFAT: no symbolic links, no
# executable bits. Files already on the stick that are not ours are left alone; an older
# kiosk archive and older bundles of ours are replaced.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIST=${DIST:-$ROOT/dist/kiosk}
BUNDLES=${BUNDLES:-$ROOT/build/out/bundles}
KEYS=${KEYS:-$ROOT/build/out/keys}

die() { echo "make_usb: $*" >&2; exit 1; }

[[ $# -eq 1 && -n $1 ]] || { echo "usage: make usb DEST=DIR (or build/make_usb.sh DIR)" >&2; exit 2; }
dest=$1
[[ -x $DIST/kiosk && -x $DIST/kiosk-cli ]] || die "no frozen kiosk in $DIST: run 'make dist' first"
shopt -s nullglob
bundles=("$BUNDLES"/*.kbundle)
keys=("$KEYS"/*.pub "$KEYS"/*.keyring)
shopt -u nullglob
[[ ${#bundles[@]} -gt 0 ]] || die "no bundles in $BUNDLES: run 'make bundles' first"
[[ ${#keys[@]} -gt 0 ]] || die "no publisher key in $KEYS: run 'make bundles' first"

version=$("$DIST/kiosk-cli" --version | awk '{print $2}')
[[ -n $version ]] || die "$DIST/kiosk-cli --version printed nothing"
arch=$(uname -m)
archive="kiosk-$version-linux-$arch.tar.gz"

kiosk="$dest/KIOSK"
mkdir -p "$kiosk/app" "$kiosk/bundles" "$kiosk/keys" "$kiosk/sync"

# The app: written beside, then renamed, so a stick pulled out mid-copy never holds a
# truncated archive under the real name (install.sh also checks the .sha256).
rm -f "$kiosk"/app/kiosk-*.tar.gz "$kiosk"/app/kiosk-*.tar.gz.sha256
tar -C "$(dirname "$DIST")" -czf "$kiosk/app/$archive.part" "$(basename "$DIST")"
(cd "$kiosk/app" && sha256sum "$archive.part" | sed 's/\.part$//' > "$archive.sha256")
mv "$kiosk/app/$archive.part" "$kiosk/app/$archive"

# The oldest C library the app runs on (its newest GLIBC_x.y symbol): install.sh checks it
# first, so an old Linux gets a plain message instead of a loader error.
if command -v objdump >/dev/null; then
  glibc=$(find "$DIST" -type f \( -name '*.so*' -o -name kiosk -o -name kiosk-cli \) \
            -exec objdump -T {} + 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' \
            | sed 's/GLIBC_//' | sort -t. -k1,1n -k2,2n -u | tail -1)
  [[ -n $glibc ]] && echo "glibc=$glibc" > "$kiosk/app/requires.txt"
fi

# Bundles of the built-in lessons: replace older packs of the same lessons.
for bundle in "${bundles[@]}"; do
  name=$(basename "$bundle")
  rm -f "$kiosk/bundles/${name%-*}"-[0-9]*.kbundle
  cp "$bundle" "$kiosk/bundles/$name"
done

for key in "${keys[@]}"; do
  cp "$key" "$kiosk/keys/"
done
# A secret key must never travel (README: "Secret keys never go onto a kiosk or a USB stick").
if compgen -G "$kiosk/keys/*.key" > /dev/null; then
  die "a secret .key file is in $kiosk/keys: remove it"
fi

cp "$ROOT/build/usb/install.sh" "$kiosk/install.sh"
cp "$ROOT/build/usb/INSTALL.txt" "$kiosk/INSTALL.txt"
chmod +x "$kiosk/install.sh" 2>/dev/null || true  # FAT ignores it; INSTALL.txt says `bash`
sync -f "$kiosk" 2>/dev/null || sync

size=$(du -sh "$kiosk/app/$archive" | cut -f1)
echo "stick ready in $kiosk: app $archive ($size), ${#bundles[@]} bundle(s), ${#keys[@]} key file(s)"
