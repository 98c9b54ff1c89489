#!/usr/bin/env bash
# `make dist-check`: proves the frozen kiosk (dist/kiosk, from `make dist`) works on its own.
#
# Every program run below gets a clean environment: `env -i` with only HOME (a fresh folder),
# PATH=/usr/bin:/bin and QT_QPA_PLATFORM=offscreen; no virtual environment, no PYTHONPATH.
#  1. the folder: size (over 200 MB is reported, over 250 MB fails), no library missing (ldd);
#  2. `kiosk run --exit-when-ready` prints "ready in N ms" (offscreen, then on Xvfb with xcb);
#  3. `kiosk-cli bundle verify` accepts a sample bundle once its key is trusted, refuses it
#     before, and refuses a tampered copy;
#  4. `kiosk-cli speech say` renders a Vietnamese sentence to a WAV with the espeak-ng shipped
#     in the app, and `speech play` plays a recorded .ogg through Qt's FFmpeg backend;
#  5. where we are root: 2 and 4 again in a private mount namespace in which the system's
#     espeak-ng and every Python installation are hidden (as on a PC without them);
#  6. the stick: build/make_usb.sh into a temp folder, then its install.sh with
#     INSTALL_PREFIX=<temp> (a per-user install), then the installed kiosk starts
#     (--exit-when-ready), trusts the key, has the bundles, and says a sentence.
# Needs `make dist` and `make bundles` first (the make target does both).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIST=${DIST:-$ROOT/dist/kiosk}
BUNDLES=$ROOT/build/out/bundles
PUBKEY=$ROOT/build/out/keys/builder.pub
BUDGET_MB=${BUDGET_MB:-200}  # DESIGN §10; over it is reported, over LIMIT_MB fails
LIMIT_MB=${LIMIT_MB:-250}  # the issue's limit
SENTENCE="Xin chào bà con. Hôm nay chúng ta học cách cài ứng dụng VNeID."

fail() { echo "dist-check: FAILED: $*" >&2; exit 1; }
passed=0
skipped=0
step() { echo "dist-check: $*"; }
ok() { passed=$((passed + 1)); step "$@"; }

[[ -x $DIST/kiosk && -x $DIST/kiosk-cli ]] || fail "no frozen kiosk in $DIST (run make dist)"
shopt -s nullglob
bundles=("$BUNDLES"/*.kbundle)
shopt -u nullglob
[[ ${#bundles[@]} -gt 0 && -f $PUBKEY ]] || fail "no bundles or key in build/out (run make bundles)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home"
clean() { env -i HOME="$tmp/home" PATH=/usr/bin:/bin QT_QPA_PLATFORM=offscreen "$@"; }

wav_seconds() {  # duration of a WAV file, by sox (installed by build/setup-system.sh)
  soxi -D "$1" 2>/dev/null || echo 0
}

# --- 1. the folder ------------------------------------------------------------------------
bytes=$(du -sb "$DIST" | cut -f1)
mb=$((bytes / 1000000))
[[ $mb -lt $LIMIT_MB ]] || fail "the folder is $mb MB, over the $LIMIT_MB MB limit"
[[ $mb -lt $BUDGET_MB ]] || step "WARNING: over the $BUDGET_MB MB budget of DESIGN §10"
missing=$(find "$DIST/_internal" -name '*.so*' -type f -print0 \
  | LD_LIBRARY_PATH="$DIST/_internal" xargs -0 ldd 2>/dev/null | grep 'not found' | sort -u || true)
[[ -z $missing ]] || fail "libraries missing from the folder: $missing"
ok "folder $DIST: $mb MB ($(find "$DIST" -type f | wc -l) files; budget $BUDGET_MB MB), no library missing"

# --- 2. start-up ------------------------------------------------------------------------------
out=$(clean "$DIST/kiosk" run --exit-when-ready --windowed --data "$tmp/data" 2>"$tmp/err") \
  || fail "kiosk run --exit-when-ready: $(tail -3 "$tmp/err")"
[[ $out =~ ready\ in\ [0-9]+\ ms ]] || fail "kiosk run --exit-when-ready printed: $out"
ok "kiosk run --exit-when-ready: $out"
if command -v xvfb-run >/dev/null; then  # the xcb platform plugin, on a virtual X screen
  # shellcheck disable=SC2016  # expanded by the inner shell, where xvfb-run set DISPLAY
  out=$(xvfb-run -a -s "-screen 0 1366x768x24" sh -c 'exec env -i HOME="$1" PATH=/usr/bin:/bin \
          DISPLAY="$DISPLAY" XAUTHORITY="$XAUTHORITY" QT_QPA_PLATFORM=xcb "$2" run \
          --exit-when-ready --windowed --data "$3"' sh "$tmp/home" "$DIST/kiosk" "$tmp/data" \
          2>"$tmp/err") || fail "kiosk run on X11 (xcb): $(tail -3 "$tmp/err")"
  ok "kiosk run --exit-when-ready on X11 (xcb, Xvfb): $out"
else
  skipped=$((skipped + 1))
  step "skipped: the X11 (xcb) run needs xvfb-run"
fi

# --- 3. bundles ---------------------------------------------------------------------------------
sample=${bundles[0]}
if clean "$DIST/kiosk-cli" bundle verify "$sample" --data "$tmp/data" >/dev/null 2>&1; then
  fail "an untrusted bundle was accepted"
fi
clean "$DIST/kiosk-cli" trust add "$PUBKEY" --data "$tmp/data" >/dev/null \
  || fail "kiosk-cli trust add $PUBKEY"
out=$(clean "$DIST/kiosk-cli" bundle verify "$sample" --data "$tmp/data") \
  || fail "kiosk-cli bundle verify $(basename "$sample")"
ok "bundle verify: $out"
cp "$sample" "$tmp/tampered.kbundle"
printf 'x' | dd of="$tmp/tampered.kbundle" bs=1 seek=200 conv=notrunc status=none
if clean "$DIST/kiosk-cli" bundle verify "$tmp/tampered.kbundle" --data "$tmp/data" \
     >/dev/null 2>&1; then
  fail "a tampered bundle was accepted"
fi

# --- 4. speech and sound ---------------------------------------------------------------------
say_check() {  # say_check LABEL [COMMAND PREFIX...]: renders $SENTENCE, checks the WAV
  local label=$1 wav="$tmp/say-$1.wav"
  shift
  out=$("$@" "$DIST/kiosk-cli" speech say "$SENTENCE" --lang vi --out "$wav" \
          --data "$tmp/data-$label" 2>"$tmp/err") || fail "speech say ($label): $(tail -3 "$tmp/err")"
  [[ $out == *"shipped espeak-ng"* ]] || fail "speech say ($label) did not use the shipped espeak-ng: $out"
  seconds=$(wav_seconds "$wav")
  awk -v s="$seconds" 'BEGIN { exit !(s >= 2 && s <= 20) }' \
    || fail "speech say ($label): $seconds s of audio for one sentence"
  ok "speech say ($label): $out"
}
say_check clean clean
ogg=$(find "$DIST/_internal/lessons" -name '*.ogg' -printf '%s %p\n' | sort -n | head -1 \
      | cut -d' ' -f2-)  # the shortest recording: it plays in real time
if [[ -n $ogg ]]; then
  out=$(clean "$DIST/kiosk-cli" speech play "$ogg" 2>"$tmp/err") \
    || fail "speech play $(basename "$ogg"): $(tail -3 "$tmp/err")"
  ok "speech play: $out"
fi

# --- 5. without the system's espeak-ng and Python ----------------------------------------------
if [[ $(id -u) -eq 0 ]] && unshare -m --propagation private true 2>/dev/null; then
  hide=$(mktemp "$tmp/hide.XXXX")
  {
    echo 'set -e'
    for lib in /usr/lib/*/libespeak-ng.so* /usr/lib/libespeak-ng.so*; do
      [[ -f $lib ]] && echo "mount --bind /dev/null '$lib'"
    done
    for dir in /usr/lib/*/espeak-ng-data /usr/share/espeak-ng-data /usr/lib/python3* \
               /usr/local/lib/python3* /root/.pyenv "$ROOT/.venv"; do
      [[ -d $dir ]] && echo "mount -t tmpfs none '$dir'"
    done
    echo 'exec "$@"'
  } > "$hide"
  isolated() { unshare -m --propagation private bash "$hide" env -i HOME="$tmp/home" \
                 PATH=/usr/bin:/bin QT_QPA_PLATFORM=offscreen "$@"; }
  if isolated sh -c 'command -v python3 >/dev/null && python3 -c "import sys"' 2>/dev/null; then
    fail "python3 still runs with the Python installations hidden"
  fi
  out=$(isolated "$DIST/kiosk" run --exit-when-ready --windowed --data "$tmp/data" \
          2>"$tmp/err") || fail "kiosk run without system Python/espeak-ng: $(tail -3 "$tmp/err")"
  ok "kiosk run --exit-when-ready, no system Python or espeak-ng: $out"
  say_check isolated isolated
else
  skipped=$((skipped + 2))
  step "skipped: the run with system espeak-ng and Python hidden needs root and unshare"
fi

# --- 6. the stick and its installer ----------------------------------------------------------
bash "$ROOT/build/make_usb.sh" "$tmp/stick" >/dev/null
for part in app bundles keys sync install.sh INSTALL.txt; do
  [[ -e $tmp/stick/KIOSK/$part ]] || fail "the stick has no KIOSK/$part"
done
prefix="$tmp/installed kiosk"  # a space in the path, as in many home folders
clean INSTALL_PREFIX="$prefix" bash "$tmp/stick/KIOSK/install.sh" > "$tmp/install.log" 2>&1 \
  || fail "install.sh: $(tail -5 "$tmp/install.log")"
[[ -x $prefix/app/kiosk && -x $prefix/uninstall.sh ]] || fail "install.sh left no app in $prefix"
for file in "$tmp/home/.local/share/applications/kiosk-bdhvs.desktop" \
            "$tmp/home/.config/autostart/kiosk-bdhvs.desktop" "$tmp/home/.local/bin/kiosk-cli"; do
  [[ -f $file ]] || fail "install.sh did not write $file"
done
grep -Eq "^Exec=\"$prefix/app/kiosk\" (run|supervise)\$" \
  "$tmp/home/.config/autostart/kiosk-bdhvs.desktop" \
  || fail "the autostart entry does not start $prefix/app/kiosk"
grep -q "Máy vừa đọc thử" "$tmp/install.log" || fail "install.sh's spoken self-test failed"
out=$(clean "$prefix/app/kiosk" run --exit-when-ready --windowed 2>"$tmp/err") \
  || fail "the installed kiosk: $(tail -3 "$tmp/err")"
ok "installed kiosk (INSTALL_PREFIX=$prefix): $out"
clean "$tmp/home/.local/bin/kiosk-cli" trust list | grep -q "added" \
  || fail "the installed kiosk does not trust the publisher key"
listed=$(clean "$tmp/home/.local/bin/kiosk-cli" bundle list --json | grep -c '"version"' || true)
[[ $listed -eq ${#bundles[@]} ]] || fail "$listed of ${#bundles[@]} bundles installed"
ok "installed kiosk trusts the key and has $listed bundle(s)"
# Again over the top (an update): the app is replaced, data and bundles stay.
clean INSTALL_PREFIX="$prefix" bash "$tmp/stick/KIOSK/install.sh" --no-check > "$tmp/install.log" 2>&1 \
  || fail "install.sh the second time: $(tail -5 "$tmp/install.log")"
clean "$prefix/app/kiosk" run --exit-when-ready --windowed >/dev/null 2>&1 \
  || fail "the kiosk after reinstalling"
clean bash "$prefix/uninstall.sh" >/dev/null
[[ ! -e $prefix/app && ! -e $tmp/home/.config/autostart/kiosk-bdhvs.desktop ]] \
  || fail "uninstall.sh left the app or the autostart entry"
ok "reinstall and uninstall: ok"
echo "dist-check: $passed passed, 0 failed, $skipped skipped"
