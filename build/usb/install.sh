#!/usr/bin/env bash
# Installs the kiosk from this USB stick on a Linux PC (no Python needed).
#
#   bash install.sh                  as root: for every user of the PC, into /opt/kiosk
#   bash install.sh                  as a normal user: for that user, into ~/.local/share/kiosk
#   INSTALL_PREFIX=DIR bash install.sh   into DIR, for the user running it (also as root)
#
# Options: --prefix DIR (same as INSTALL_PREFIX), --data DIR (the kiosk's data folder; default:
# the user's own), --no-autostart (do not start the kiosk at log-in), --no-bundles, --no-check
# (skip the spoken self-test at the end).
#
# Steps: check the app archive against its .sha256; unpack it into PREFIX/app (an older
# version is replaced only once the new one is complete; learners' data is never touched);
# add a menu entry, an autostart entry that starts the kiosk full screen at log-in (kiosk
# mode), and the `kiosk-cli` command; trust the publisher keys in keys/; install the lesson
# bundles in bundles/; write PREFIX/uninstall.sh; say a Vietnamese sentence aloud as a check.
# Each step says what it did, in Vietnamese and English; a failure stops with the reason.
set -euo pipefail

STICK=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ENTRY=kiosk-bdhvs.desktop  # the same name `kiosk install-autostart` uses: never two kiosks

say() { printf '%s\n   %s\n' "$1" "$2"; }
die() { printf 'LỖI / ERROR: %s\n   %s\n' "$1" "$2" >&2; exit 1; }

prefix=${INSTALL_PREFIX:-}
data=""
autostart=1
bundles=1
check=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --prefix) prefix=${2:?--prefix needs a folder}; shift 2 ;;
    --data) data=${2:?--data needs a folder}; shift 2 ;;
    --no-autostart) autostart=0; shift ;;
    --no-bundles) bundles=0; shift ;;
    --no-check) check=0; shift ;;
    -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

# System-wide only for root without a chosen folder; anything else installs for this user.
if [[ $(id -u) -eq 0 && -z $prefix ]]; then
  system=1
  prefix=/opt/kiosk
  menu_dir=/usr/share/applications
  autostart_dir=/etc/xdg/autostart
  bin_dir=/usr/local/bin
else
  system=0
  [[ -n ${HOME:-} ]] || die "HOME chưa được đặt." "HOME is not set."
  prefix=${prefix:-$HOME/.local/share/kiosk}
  menu_dir=${XDG_DATA_HOME:-$HOME/.local/share}/applications
  autostart_dir=${XDG_CONFIG_HOME:-$HOME/.config}/autostart
  bin_dir=$HOME/.local/bin
fi
case $prefix in /*) ;; *) prefix=$PWD/$prefix ;; esac
app=$prefix/app

[[ $(uname -s) == Linux ]] || die "Bộ cài này chỉ dành cho Linux." "This installer is for Linux only."

# --- 1. the app ---------------------------------------------------------------------------
shopt -s nullglob
archives=("$STICK"/app/kiosk-*-linux-*.tar.gz)
shopt -u nullglob
[[ ${#archives[@]} -eq 1 ]] || die "Không thấy (hoặc thấy nhiều hơn một) tệp chương trình trong $STICK/app." \
  "Expected exactly one kiosk-*.tar.gz in $STICK/app."
archive=${archives[0]}
case $archive in *-linux-"$(uname -m)".tar.gz) ;; *)
  die "Chương trình trên USB dành cho loại máy khác ($(basename "$archive"))." \
      "The kiosk on this stick is for another kind of PC ($(basename "$archive"), this PC: $(uname -m))." ;;
esac
if [[ -f $archive.sha256 ]]; then
  expected=$(awk '{print $1}' "$archive.sha256")
  actual=$(sha256sum "$archive" | awk '{print $1}')
  [[ $expected == "$actual" ]] || die "Tệp chương trình trên USB bị hỏng. Hãy chép lại USB." \
    "The app archive on the stick is damaged (checksum mismatch). Copy the stick again."
fi

if [[ -f $STICK/app/requires.txt ]]; then
  need=$(sed -n 's/^glibc=//p' "$STICK/app/requires.txt")
  have=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}') || have=""
  if [[ -n $need && -n $have && $(printf '%s\n%s\n' "$need" "$have" | sort -V | head -1) != "$need" ]]; then
    die "Linux trên máy này quá cũ (glibc $have, cần $need). Hãy cài bản Linux mới hơn." \
        "This Linux is too old for the kiosk (glibc $have, it needs $need or newer)."
  fi
fi

mkdir -p "$prefix" || die "Không tạo được thư mục $prefix." "Cannot create $prefix."
rm -rf "$prefix/app.new" "$prefix/app.old"
mkdir "$prefix/app.new"
tar -xzf "$archive" -C "$prefix/app.new" || die "Không giải nén được chương trình (ổ đĩa đầy?)." \
  "Could not unpack the app (disk full?)."
[[ -x $prefix/app.new/kiosk/kiosk ]] || die "Tệp chương trình không đúng." "The archive holds no kiosk program."
[[ -d $app ]] && mv "$app" "$prefix/app.old"
mv "$prefix/app.new/kiosk" "$app"
rm -rf "$prefix/app.new" "$prefix/app.old"
version=$("$app/kiosk-cli" --version 2>/dev/null | awk '{print $2}') || version=""
[[ -n $version ]] || die "Chương trình đã chép nhưng không chạy được trên máy này." \
  "The app was copied but does not run on this PC ($app/kiosk-cli --version failed)."
say "Đã cài chương trình kiosk $version vào $app." "Installed kiosk $version in $app."

data_args=()
[[ -n $data ]] && data_args=(--data "$data")

# --- 2. menu entry, start at log-in, kiosk-cli ------------------------------------------------
desktop_quote() {  # one argument of a desktop entry's Exec line
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}; s=${s//\`/\\\`}; s=${s//\$/\\\$}
  printf '"%s"' "${s//%/%%}"
}
exec_line() {  # exec_line VERB: the Exec value that runs `kiosk VERB [--data DIR]`
  local line arg
  line="$(desktop_quote "$app/kiosk") $1"
  for arg in "${data_args[@]}"; do line+=" $(desktop_quote "$arg")"; done
  printf '%s' "$line"
}
# At log-in, the supervisor (it restarts the kiosk after a crash) where this build has it.
boot_verb=run
"$app/kiosk-cli" supervise --help >/dev/null 2>&1 && boot_verb=supervise

entry() {  # entry FILE VERB EXTRA_LINE
  mkdir -p "$(dirname "$1")"
  cat > "$1.tmp" <<EOF
[Desktop Entry]
Type=Application
Name=Kiosk BDHVS
Name[vi]=Bình dân học vụ số
Comment=Digital-literacy lessons
Comment[vi]=Học kỹ năng số
Exec=$(exec_line "$2")
Icon=applications-education
Terminal=false
Categories=Education;
$3
EOF
  mv "$1.tmp" "$1"
}
entry "$menu_dir/$ENTRY" run ""
say "Đã thêm kiosk vào menu ứng dụng." "Added the kiosk to the applications menu ($menu_dir/$ENTRY)."
if [[ $autostart -eq 1 ]]; then
  entry "$autostart_dir/$ENTRY" "$boot_verb" "X-GNOME-Autostart-enabled=true"
  say "Kiosk sẽ tự mở toàn màn hình khi đăng nhập. Hãy bật tự động đăng nhập cho tài khoản kiosk." \
      "The kiosk starts full screen at log-in ($autostart_dir/$ENTRY); turn on automatic log-in."
else
  rm -f "$autostart_dir/$ENTRY"
fi

mkdir -p "$bin_dir"
cat > "$bin_dir/kiosk-cli.tmp" <<EOF
#!/bin/sh
exec "$app/kiosk-cli" "\$@"
EOF
chmod 755 "$bin_dir/kiosk-cli.tmp"
mv "$bin_dir/kiosk-cli.tmp" "$bin_dir/kiosk-cli"

cat > "$prefix/uninstall.sh" <<EOF
#!/bin/sh
# Removes the kiosk program installed by install.sh; learners' data is kept.
rm -f "$menu_dir/$ENTRY" "$autostart_dir/$ENTRY" "$bin_dir/kiosk-cli"
rm -rf "$app" "$prefix/uninstall.sh"
rmdir "$prefix" 2>/dev/null || true
echo "Đã gỡ kiosk (dữ liệu học viên vẫn được giữ). / Kiosk removed (learner data kept)."
EOF
chmod 755 "$prefix/uninstall.sh"

# --- 3. publisher keys ------------------------------------------------------------------------
shopt -s nullglob
keys=("$STICK"/keys/*.pub "$STICK"/keys/*.keyring)
bundle_files=("$STICK"/bundles/*.kbundle)
shopt -u nullglob
if [[ $system -eq 1 ]]; then
  # For every user: beside the keys shipped with the program (assets/keys), after checking
  # each one as `trust add` does, in a throw-away data folder.
  trial=$(mktemp -d)
  shipped="$app/_internal/assets/keys"
  mkdir -p "$shipped"
  for key in "${keys[@]}"; do
    "$app/kiosk-cli" trust add "$key" --data "$trial" >/dev/null \
      || { rm -rf "$trial"; die "Khóa $(basename "$key") không hợp lệ." "The key $(basename "$key") is not valid."; }
    cp "$key" "$shipped/"
  done
  rm -rf "$trial"
else
  for key in "${keys[@]}"; do
    "$app/kiosk-cli" trust add "$key" "${data_args[@]}" >/dev/null \
      || die "Khóa $(basename "$key") không hợp lệ." "The key $(basename "$key") is not valid."
  done
fi
[[ ${#keys[@]} -gt 0 ]] && say "Đã tin cậy ${#keys[@]} khóa của nhà xuất bản bài học." \
  "Trusted ${#keys[@]} publisher key file(s)."

# --- 4. lesson bundles ------------------------------------------------------------------------
if [[ $bundles -eq 1 && ${#bundle_files[@]} -gt 0 ]]; then
  run_as=()
  if [[ $system -eq 1 ]]; then
    if [[ -n ${SUDO_USER:-} && $SUDO_USER != root ]]; then
      run_as=(runuser -u "$SUDO_USER" --)
    elif [[ -z $data ]]; then
      say "Bài học trên USB chưa được cài: hãy chạy lại bằng tài khoản kiosk, hoặc dùng màn hình kỹ thuật viên." \
          "Lesson bundles were not installed (no user to install them for): run install.sh as the kiosk user, or use the technician screen."
      bundles=0
    fi
  fi
  installed=0
  for bundle in "${bundle_files[@]}"; do
    [[ $bundles -eq 1 ]] || break
    if out=$("${run_as[@]}" "$app/kiosk-cli" bundle install "$bundle" "${data_args[@]}" 2>&1); then
      installed=$((installed + 1))
    else
      echo "   $(basename "$bundle"): ${out##*$'\n'}"  # e.g. already installed: not an error here
    fi
  done
  [[ $bundles -eq 1 ]] && say "Đã cài $installed gói bài học." "Installed $installed lesson bundle(s)."
fi

# --- 5. self-test: the installed kiosk says a sentence aloud -----------------------------------
if [[ $check -eq 1 ]]; then
  scratch=$(mktemp -d)
  if out=$("$app/kiosk-cli" speech say "Cài đặt xong. Xin chào." --lang vi --play \
             --data "$scratch" 2>&1); then
    say "Máy vừa đọc thử một câu tiếng Việt." "The kiosk has just said a Vietnamese sentence."
  else
    say "CẢNH BÁO: kiosk chưa đọc được tiếng Việt: ${out##*$'\n'}" \
        "WARNING: the kiosk could not speak; lessons still show their text."
  fi
  rm -rf "$scratch"
fi

say "Xong. Mở kiosk từ menu, hoặc khởi động lại máy." \
    "Done. Open the kiosk from the menu, or restart the PC. To remove it: $prefix/uninstall.sh"
