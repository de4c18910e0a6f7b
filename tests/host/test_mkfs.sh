#!/usr/bin/env bash
# Host test of tools/mkfs and tools/fsck: builds an image, reads every file
# back byte for byte, then damages copies of the image in specific ways and
# expects fsck to name each problem; replays a hand-made journal; builds a
# sparse 32 GiB image and a file past 4 GiB. Also checks that mkfs refuses
# bad input.
#
#   tests/host/test_mkfs.sh [MKFS FSCK]   (builds both when not given)
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

if [ $# -ge 2 ]; then
    MKFS=$1
    FSCK=$2
else
    MKFS=$TMP/mkfs
    FSCK=$TMP/fsck
    for t in mkfs fsck; do
        srcs="$ROOT/tools/$t.c"
        [ $t = fsck ] && srcs="$srcs $ROOT/tools/fsck_check.c"
        # shellcheck disable=SC2086
        if ! cc -std=gnu11 -Wall -Wextra -Werror -fsanitize=address,undefined \
            -g -I"$ROOT" -I"$ROOT/kernel" -o "$TMP/$t" $srcs; then
            echo "cannot build $t"
            echo "0 passed, 1 failed"
            exit 1
        fi
    done
fi

# ---- little-endian field access on an image file ----
u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
u16() { od -An -tu2 -j "$2" -N2 "$1" | tr -d ' '; }
u8() { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '; }
put_u8() {
    printf "$(printf '\\%03o' "$3")" |
        dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
put_u16() {
    put_u8 "$1" "$2" $(($3 & 255))
    put_u8 "$1" $(($2 + 1)) $(($3 >> 8))
}
put_u32() {
    put_u16 "$1" "$2" $(($3 & 65535))
    put_u16 "$1" $(($2 + 2)) $(($3 >> 16))
}

# expect_fail NAME PATTERN CMD...: CMD must exit non-zero and print PATTERN.
expect_fail() {
    local name=$1 pattern=$2
    shift 2
    local out
    if out=$("$@" 2>&1); then
        bad "$name: exit status 0"
    elif ! grep -qi -- "$pattern" <<<"$out"; then
        bad "$name: output lacks \"$pattern\": $out"
    else
        ok
    fi
}

# ---- a clean image ----
IN=$TMP/in
mkdir -p "$IN/a" "$IN/b"
printf 'hello, lazyos\n' >"$IN/_cat"
: >"$IN/empty"                                   # exactly 0 bytes
head -c 310000 /dev/urandom >"$IN/big"          # > 300 KiB: indirect blocks
head -c 4400000 /dev/urandom >"$IN/_huge"       # 4.2 MiB: double indirect
printf 'fourteen chars' >"$IN/_abcdefghijklmn"  # a name of exactly DIRSIZ
FILES=("$IN/_cat" "$IN/empty" "$IN/big" "$IN/_huge" "$IN/_abcdefghijklmn")
NAMES=(cat empty big huge abcdefghijklmn)
IMG=$TMP/fs.img

if out=$("$MKFS" "$IMG" "${FILES[@]}" 2>&1) && grep -q "5 files" <<<"$out"; then
    ok
else
    bad "mkfs of the test files: $out"
fi
if [ "$(stat -c %s "$IMG" 2>/dev/null)" = $((32768 * 4096)) ]; then
    ok
else
    bad "default image is not 32768 blocks"
fi
out=$("$FSCK" "$IMG" 2>&1)
if [ $? -eq 0 ] && [ "$(tail -n1 <<<"$out")" = "fsck: clean" ]; then
    ok
else
    bad "fsck of a fresh image: $out"
fi
for i in "${!FILES[@]}"; do
    if "$FSCK" "$IMG" --dump "/${NAMES[$i]}" >"$TMP/dump" &&
        cmp -s "$TMP/dump" "${FILES[$i]}"; then
        ok
    else
        bad "/${NAMES[$i]} does not read back byte for byte"
    fi
done
expect_fail "dump of a missing file" "not found" "$FSCK" "$IMG" --dump /nope
expect_fail "dump through a file" "not found" "$FSCK" "$IMG" --dump /cat/x

SMALL=$TMP/small.img
if "$MKFS" "$SMALL" --size 200 "$IN/_cat" >/dev/null &&
    [ "$(stat -c %s "$SMALL")" = $((200 * 4096)) ] &&
    "$FSCK" "$SMALL" >/dev/null; then
    ok
else
    bad "--size 200 image"
fi

# ---- layout, read from the superblock ----
SB=0
BS=4096
SIZE=$(u32 "$IMG" $((SB + 8)))
NINODES=$(u32 "$IMG" $((SB + 12)))
JSTART=$(u32 "$IMG" $((SB + 16)))
BMAPSTART=$(u32 "$IMG" $((SB + 28)))
INODESTART=$(u32 "$IMG" $((SB + 32)))
ino() { echo $((INODESTART * BS + $1 * 64)); } # offset of disk inode $1
# Inodes in mkfs order: 1 "/", 2 cat, 3 empty, 4 big, 5 huge, 6 abc...
ROOTBLK=$(u32 "$IMG" $(($(ino 1) + 16)))
CATBLK=$(u32 "$IMG" $(($(ino 2) + 16)))
BIGBLK=$(u32 "$IMG" $(($(ino 4) + 16)))

corrupt() { cp "$IMG" "$TMP/bad.img"; }
set_bit() { # block, 0/1
    local off=$((BMAPSTART * BS + $1 / 8)) m=$((1 << ($1 % 8)))
    local v
    v=$(u8 "$TMP/bad.img" $off)
    if [ "$2" = 1 ]; then v=$((v | m)); else v=$((v & ~m & 255)); fi
    put_u8 "$TMP/bad.img" $off $v
}

corrupt
set_bit "$ROOTBLK" 0
expect_fail "used block free in bitmap" \
    "block $ROOTBLK in use.*free in the bitmap" \
    "$FSCK" "$TMP/bad.img"

corrupt
set_bit $((SIZE - 1)) 1
expect_fail "free block marked used" "block $((SIZE - 1)) marked in use" \
    "$FSCK" "$TMP/bad.img"

corrupt
put_u16 "$TMP/bad.img" $(($(ino 2) + 6)) 2
expect_fail "link count bumped" "inode 2: nlink 2 but 1" "$FSCK" "$TMP/bad.img"

corrupt
put_u16 "$TMP/bad.img" $((ROOTBLK * BS + 2 * 16)) $((NINODES - 1))
expect_fail "entry to a free inode" "points to free inode $((NINODES - 1))" \
    "$FSCK" "$TMP/bad.img"

corrupt
put_u32 "$TMP/bad.img" $(($(ino 2) + 16)) "$BIGBLK"
expect_fail "block used twice" "block $BIGBLK used twice" "$FSCK" "$TMP/bad.img"

corrupt
put_u32 "$TMP/bad.img" $(($(ino 2) + 16 + 4)) $((SIZE + 5))
expect_fail "block out of range" "out of range" "$FSCK" "$TMP/bad.img"

corrupt
put_u16 "$TMP/bad.img" $(ino $((NINODES - 2))) 2     # type T_FILE,
put_u16 "$TMP/bad.img" $(($(ino $((NINODES - 2))) + 6)) 1  # nlink 1
# Garbage in a slot whose bitmap bit is clear is a free inode (a sparse
# write onto a used card leaves such slots).
if "$FSCK" "$TMP/bad.img" >/dev/null; then
    ok
else
    bad "fsck reads a free inode's garbage slot as an inode"
fi
IMAPSTART=$(u32 "$IMG" $((SB + 24)))
put_u8 "$TMP/bad.img" $((IMAPSTART * BS + (NINODES - 2) / 8)) \
    $(($(u8 "$TMP/bad.img" $((IMAPSTART * BS + (NINODES - 2) / 8))) |
        1 << ((NINODES - 2) % 8)))
expect_fail "orphan inode" "no directory names it" "$FSCK" "$TMP/bad.img"

corrupt
put_u16 "$TMP/bad.img" $((ROOTBLK * BS + 16)) 2        # ".." of "/" -> cat
expect_fail "bad .. of the root" '".." points to 2' "$FSCK" "$TMP/bad.img"

corrupt
put_u32 "$TMP/bad.img" $SB 0
expect_fail "bad magic" "bad magic" "$FSCK" "$TMP/bad.img"

head -c $((SIZE * BS / 2)) "$IMG" >"$TMP/bad.img"
expect_fail "truncated image" "image holds" "$FSCK" "$TMP/bad.img"

# ---- the journal: a committed transaction that rewrites /cat ----
# write_tx IMAGE SEQ HOME FILE [BADSUM]: a one-block transaction at the
# start of the log, checksummed as kernel/fs.h's jsum does.
write_tx() {
    python3 - "$@" <<'PY'
import struct, sys
img, seq, home, src = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
BS = 4096
def jsum(h, data):
    for (w,) in struct.iter_unpack("<Q", data):
        h = ((h ^ w) * 0x100000001b3) % (1 << 64)
    return h
copy = open(src, "rb").read().ljust(BS, b"\0")
with open(img, "r+b") as f:
    f.seek(16)
    jstart = struct.unpack("<I", f.read(4))[0]
    head = struct.pack("<IIQQI", 0x58544a4c, 1, seq, 0, home).ljust(BS, b"\0")
    s = jsum(jsum(0xcbf29ce484222325, head), copy)
    if len(sys.argv) > 5:
        s ^= 1
    head = head[:16] + struct.pack("<Q", s) + head[24:]
    f.seek((jstart + 1) * BS)
    f.write(head + copy)
PY
}
SEQ=$(od -An -tu8 -j $((JSTART * BS + 8)) -N8 "$IMG" | tr -d ' ')
printf 'from the journal\n' >"$TMP/new_cat"
head -c 14 "$TMP/new_cat" >"$TMP/new_cat14" # /cat is 14 bytes long
corrupt
write_tx "$TMP/bad.img" "$SEQ" "$CATBLK" "$TMP/new_cat"
# Until replayed, fsck reads through the journal, as the kernel will.
"$FSCK" "$TMP/bad.img" --dump /cat 2>/dev/null >"$TMP/dump"
if cmp -s "$TMP/dump" "$TMP/new_cat14" && "$FSCK" "$TMP/bad.img" >/dev/null \
    2>&1 && ! cmp -s <(dd if="$TMP/bad.img" bs=$BS skip="$CATBLK" count=1 \
    status=none | head -c 14) "$TMP/new_cat14"; then
    ok
else
    bad "fsck does not read through a committed journal"
fi
if "$FSCK" "$TMP/bad.img" --replay >/dev/null 2>&1 &&
    cmp -s <(dd if="$TMP/bad.img" bs=$BS skip="$CATBLK" count=1 \
        status=none | head -c 14) "$TMP/new_cat14" &&
    [ "$(od -An -tu8 -j $((JSTART * BS + 8)) -N8 "$TMP/bad.img" |
        tr -d ' ')" = $((SEQ + 1)) ]; then
    ok
else
    bad "fsck --replay does not install the journal"
fi
# A torn transaction (checksum off by one bit) never happened.
corrupt
write_tx "$TMP/bad.img" "$SEQ" "$CATBLK" "$TMP/new_cat" badsum
if "$FSCK" "$TMP/bad.img" --dump /cat 2>&1 | cmp -s - "$IN/_cat"; then
    ok
else
    bad "fsck replays a transaction whose checksum does not match"
fi
corrupt
write_tx "$TMP/bad.img" "$SEQ" $((SIZE + 9)) "$TMP/new_cat"
expect_fail "journal naming a block outside" "outside the file system" \
    "$FSCK" "$TMP/bad.img"

# ---- large: a sparse 32 GiB image, a file past 4 GiB ----
LARGE=$TMP/large.img
if "$MKFS" "$LARGE" --size 32G "$IN/_cat" >/dev/null &&
    [ "$(stat -c %s "$LARGE")" = $((32 << 30)) ] &&
    [ "$(du -k "$LARGE" | cut -f1)" -lt 65536 ] &&
    "$FSCK" "$LARGE" >/dev/null; then
    ok
else
    bad "sparse 32 GiB image"
fi
rm -f "$LARGE"
# 4 GiB + 100 bytes, data only at both ends: the zeros between are holes.
HUGE=$TMP/_g4
printf 'start' >"$HUGE"
truncate -s $(((4 << 30) + 95)) "$HUGE"
printf 'end!!' >>"$HUGE"
if "$MKFS" "$LARGE" --size 64M "$HUGE" >/dev/null &&
    "$FSCK" "$LARGE" >/dev/null &&
    [ "$("$FSCK" "$LARGE" --ls / | awk '$4 == "g4" { print $3 }')" = \
        $(((4 << 30) + 100)) ] &&
    grep -q 'end!!' "$LARGE"; then
    ok
else
    bad "a file of 4 GiB + 100 bytes"
fi
rm -f "$LARGE" "$HUGE"

# ---- mkfs must refuse bad input, leaving no image behind ----
printf x >"$IN/_abcdefghijklmno"
printf x >"$IN/a/_dup"
printf y >"$IN/b/dup"
NEW=$TMP/new.img
expect_fail "name over DIRSIZ" "longer than 14" \
    "$MKFS" "$NEW" "$IN/_abcdefghijklmno"
expect_fail "duplicate names" "duplicate" \
    "$MKFS" "$NEW" "$IN/a/_dup" "$IN/b/dup"
expect_fail "missing input" "no such file" "$MKFS" "$NEW" "$IN/none"
expect_fail "no arguments" "usage" "$MKFS"
expect_fail "--size without a value" "usage" "$MKFS" "$NEW" --size
expect_fail "--size not a number" "usage" "$MKFS" "$NEW" --size 12x
expect_fail "--size too small" "too small" "$MKFS" "$NEW" --size 40
expect_fail "--inodes past the dirent limit" "too large" \
    "$MKFS" "$NEW" --inodes 65537
expect_fail "unknown option" "usage" "$MKFS" "$NEW" --frobnicate
expect_fail "contents too big" "image full" "$MKFS" "$NEW" --size 260 "$IN/big"
if [ -e "$NEW" ]; then bad "a failed mkfs left $NEW behind"; else ok; fi
expect_fail "fsck without arguments" "usage" "$FSCK"
expect_fail "fsck of a missing image" "no such file" "$FSCK" "$TMP/none.img"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
