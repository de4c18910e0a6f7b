#!/usr/bin/env bash
# Host test of tools/mkfs and tools/fsck: builds an image, reads every file
# back byte for byte, then damages copies of the image in specific ways and
# expects fsck to name each problem. Also checks that mkfs refuses bad input.
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
        if ! cc -std=gnu11 -Wall -Wextra -Werror -fsanitize=address,undefined \
            -g -I"$ROOT" -I"$ROOT/kernel" -o "$TMP/$t" "$ROOT/tools/$t.c"; then
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
head -c 2100000 /dev/urandom >"$IN/_huge"       # 2 MiB: double indirect
printf 'fourteen chars' >"$IN/_abcdefghijklmn"  # a name of exactly DIRSIZ
FILES=("$IN/_cat" "$IN/empty" "$IN/big" "$IN/_huge" "$IN/_abcdefghijklmn")
NAMES=(cat empty big huge abcdefghijklmn)
IMG=$TMP/fs.img

if out=$("$MKFS" "$IMG" "${FILES[@]}" 2>&1) && grep -q "5 files" <<<"$out"; then
    ok
else
    bad "mkfs of the test files: $out"
fi
if [ "$(stat -c %s "$IMG" 2>/dev/null)" = $((16384 * 1024)) ]; then
    ok
else
    bad "default image is not 16384 blocks"
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
    [ "$(stat -c %s "$SMALL")" = $((200 * 1024)) ] &&
    "$FSCK" "$SMALL" >/dev/null; then
    ok
else
    bad "--size 200 image"
fi

# ---- layout, read from the superblock ----
SB=1024
SIZE=$(u32 "$IMG" $((SB + 4)))
NINODES=$(u32 "$IMG" $((SB + 12)))
INODESTART=$(u32 "$IMG" $((SB + 24)))
BMAPSTART=$(u32 "$IMG" $((SB + 28)))
ino() { echo $((INODESTART * 1024 + $1 * 64)); } # offset of disk inode $1
# Inodes in mkfs order: 1 "/", 2 cat, 3 empty, 4 big, 5 huge, 6 abc...
ROOTBLK=$(u32 "$IMG" $(($(ino 1) + 12)))
BIGBLK=$(u32 "$IMG" $(($(ino 4) + 12)))

corrupt() { cp "$IMG" "$TMP/bad.img"; }
set_bit() { # block, 0/1
    local off=$((BMAPSTART * 1024 + $1 / 8)) m=$((1 << ($1 % 8)))
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
put_u16 "$TMP/bad.img" $((ROOTBLK * 1024 + 2 * 16)) $((NINODES - 1))
expect_fail "entry to a free inode" "points to free inode $((NINODES - 1))" \
    "$FSCK" "$TMP/bad.img"

corrupt
put_u32 "$TMP/bad.img" $(($(ino 2) + 12)) "$BIGBLK"
expect_fail "block used twice" "block $BIGBLK used twice" "$FSCK" "$TMP/bad.img"

corrupt
put_u32 "$TMP/bad.img" $(($(ino 2) + 12 + 4)) $((SIZE + 5))
expect_fail "block out of range" "out of range" "$FSCK" "$TMP/bad.img"

corrupt
put_u16 "$TMP/bad.img" $(ino $((NINODES - 2))) 2     # type T_FILE,
put_u16 "$TMP/bad.img" $(($(ino $((NINODES - 2))) + 6)) 1  # nlink 1
expect_fail "orphan inode" "no directory names it" "$FSCK" "$TMP/bad.img"

corrupt
put_u16 "$TMP/bad.img" $((ROOTBLK * 1024 + 16)) 2      # ".." of "/" -> cat
expect_fail "bad .. of the root" '".." points to 2' "$FSCK" "$TMP/bad.img"

corrupt
put_u32 "$TMP/bad.img" $SB 0
expect_fail "bad magic" "bad magic" "$FSCK" "$TMP/bad.img"

head -c $((SIZE * 1024 / 2)) "$IMG" >"$TMP/bad.img"
expect_fail "truncated image" "image holds" "$FSCK" "$TMP/bad.img"

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
expect_fail "unknown option" "usage" "$MKFS" "$NEW" --frobnicate
expect_fail "contents too big" "image full" "$MKFS" "$NEW" --size 300 "$IN/big"
if [ -e "$NEW" ]; then bad "a failed mkfs left $NEW behind"; else ok; fi
expect_fail "fsck without arguments" "usage" "$FSCK"
expect_fail "fsck of a missing image" "no such file" "$FSCK" "$TMP/none.img"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
