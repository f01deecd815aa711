#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# build-newlib.sh CACHE_DIR
#
# Builds newlib (libc.a, libm.a and its headers) once, for our freestanding
# x86_64 kernel, from Debian's newlib-source tarball, and caches the result:
#
#   CACHE_DIR/include/   newlib headers   (kernel: -nostdinc -isystem CACHE_DIR/include
#                                          -isystem $(gcc -print-file-name=include))
#   CACHE_DIR/lib/       libc.a libm.a
#   CACHE_DIR/.stamp     written last, only on success; if present we exit at once.
#
# Why this way:
# - There is no x86_64-elf cross compiler, but the host gcc emits the same
#   ELF64 x86-64 code, so we configure for --target=x86_64-elf and point every
#   *_FOR_TARGET tool at the host binutils/gcc.
# - The host gcc must not see glibc's headers: the target compiler gets
#   -nostdinc plus gcc's own freestanding dir (stddef.h, stdarg.h, float.h,
#   limits.h); newlib adds its own include dirs in front of those.
# - Code must fit the kernel: linked at 0xffffffff80000000 (-mcmodel=kernel,
#   no PIC/PIE), interrupts share the stack (-mno-red-zone). SSE is allowed.
# - --disable-newlib-supplied-syscalls: the kernel provides the syscall glue.
#   This also makes newlib add -DMISSING_SYSCALL_NAMES, so it calls the plain
#   names: sbrk write read close fstat isatty lseek kill getpid gettimeofday
#   _exit (only those a program actually pulls in are needed).
# - Full printf/scanf (long long, C99 %zu/%jd/%hhd), not the "nano" variant.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 CACHE_DIR" >&2; exit 2; }
mkdir -p "$1"
CACHE_DIR=$(cd "$1" && pwd)
TARBALL=${NEWLIB_TARBALL:-/usr/src/newlib/newlib-3.3.0.tar.xz}

[ -f "$CACHE_DIR/.stamp" ] && exit 0

# Serialise concurrent runs (e.g. two make jobs, or two checkouts sharing the cache),
# then look at the stamp again.  Waiting can take minutes: say so.
exec 9>"$CACHE_DIR/.lock"
if ! flock -n 9; then
    echo "newlib: another build of newlib into $CACHE_DIR is running; waiting for it"
    flock 9
fi
[ -f "$CACHE_DIR/.stamp" ] && exit 0

[ -f "$TARBALL" ] || {
    echo "newlib: $TARBALL not found (apt-get install newlib-source)" >&2; exit 1; }

# No stamp: whatever is here is a half-finished earlier run. Start over.
BUILD=$CACHE_DIR/build
LOG=$CACHE_DIR/build.log
rm -rf "$BUILD" "${CACHE_DIR:?}/lib" "${CACHE_DIR:?}/include" "$LOG"
mkdir -p "$BUILD/src" "$BUILD/obj"
: >"$LOG"

fail() {
    echo "newlib: FAILED while $1; last lines of $LOG:" >&2
    tail -n 40 "$LOG" >&2
    exit 1
}

# -idirafter: newlib's own headers (added by its Makefiles) must win over
# gcc's where both exist (limits.h, stdint.h), just as in the kernel's flags.
TARGET_CC="gcc -nostdinc -idirafter $(gcc -print-file-name=include)"
# -Wa,--noexecstack: newlib's memcpy.S/memset.S/setjmp.S lack a
# .note.GNU-stack section, which makes ld warn when linking the kernel.
TARGET_CFLAGS="-O2 -g0 -ffreestanding -fno-pic -fno-pie -mcmodel=kernel \
-mno-red-zone -fno-stack-protector -fno-asynchronous-unwind-tables -Wa,--noexecstack"

start=$SECONDS
echo "newlib: building newlib 3.3.0 once for the kernel, into $CACHE_DIR (a few minutes;"
echo "newlib: later builds and make clean keep it; the log is $LOG)"
echo "newlib: unpacking $(basename "$TARBALL")"
tar -xf "$TARBALL" -C "$BUILD/src" --strip-components=1 >>"$LOG" 2>&1 ||
    fail "unpacking"

echo "newlib: configuring"
(
    cd "$BUILD/obj"
    "$BUILD/src/configure" \
        --target=x86_64-elf \
        --prefix="$BUILD/install" \
        --disable-multilib \
        --disable-nls \
        --disable-newlib-supplied-syscalls \
        --enable-newlib-io-long-long \
        --enable-newlib-io-c99-formats \
        CC_FOR_TARGET="$TARGET_CC" \
        CFLAGS_FOR_TARGET="$TARGET_CFLAGS" \
        AS_FOR_TARGET=as \
        AR_FOR_TARGET=ar \
        LD_FOR_TARGET=ld \
        NM_FOR_TARGET=nm \
        RANLIB_FOR_TARGET=ranlib \
        OBJDUMP_FOR_TARGET=objdump \
        READELF_FOR_TARGET=readelf \
        STRIP_FOR_TARGET=strip
) >>"$LOG" 2>&1 || fail "configuring"

echo "newlib: compiling with $(nproc) jobs (the long part: a few minutes)"
make -C "$BUILD/obj" -j"$(nproc)" all-target-newlib >>"$LOG" 2>&1 || fail "building"
echo "newlib: installing and checking ($((SECONDS - start))s so far)"
make -C "$BUILD/obj" install-target-newlib >>"$LOG" 2>&1 || fail "installing"

# make install puts everything under PREFIX/x86_64-elf; keep just what we use.
cp -r "$BUILD/install/x86_64-elf/include" "$CACHE_DIR/include"
mkdir -p "$CACHE_DIR/lib"
cp "$BUILD/install/x86_64-elf/lib/libc.a" "$BUILD/install/x86_64-elf/lib/libm.a" \
    "$CACHE_DIR/lib/"

# Sanity checks: every object is ELF64 x86-64; no R_X86_64_32 relocation
# (what the small code model would use for addresses; -mcmodel=kernel uses
# sign-extended R_X86_64_32S); glibc's headers were really kept out.
formats=$(objdump -f "$CACHE_DIR"/lib/lib[cm].a | sed -n 's/.*file format //p' | sort -u)
[ "$formats" = elf64-x86-64 ] || fail "checking object format (got: $formats)"
relocs=$(readelf -rW "$CACHE_DIR"/lib/lib[cm].a | awk '$3 == "R_X86_64_32"' | wc -l)
[ "$relocs" -eq 0 ] || fail "checking code model ($relocs R_X86_64_32 relocations)"
grep -q -- '-nostdinc' "$LOG" || fail "checking that -nostdinc was used"

rm -rf "$BUILD"
date -u +"%Y-%m-%dT%H:%M:%SZ newlib-3.3.0" >"$CACHE_DIR/.stamp"
echo "newlib: installed in $CACHE_DIR ($((SECONDS - start))s)"
