#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tools/setup-deps.sh - make sure every tool the build and the tests use is here.
#
# Each tool maps to the Debian 12 package that provides it.  Missing ones are
# installed with apt-get when we are root; otherwise the exact command is
# printed and the build stops.  Run by `make` before anything else.
set -euo pipefail

# command-or-file  package (ip and ping: the tap check of make test, tools/net_checks.py;
# curl: the HTTP check, tools/http_checks.py; clang-format: make format and make check;
# dpkg-deb, cpio and libc.a: make bench's Linux guest, tools/bench_linux.py, unpacks the kernel
# and busybox-static it fetches with apt-get download into BUILD/linux-guest, never installed,
# links its HTTP server static, and make test reads its initramfs back with cpio)
needs=(
	"gcc				gcc"
	"ld				binutils"
	"make				make"
	"python3			python3"
	"qemu-system-x86_64		qemu-system-x86"
	"grub-mkrescue			grub-common"
	"/usr/lib/grub/i386-pc		grub-pc-bin"
	"xorriso			xorriso"
	"mformat			mtools"
	"/usr/src/newlib/newlib-3.3.0.tar.xz	newlib-source"
	"xz				xz-utils"
	"nc				netcat-openbsd"
	"curl				curl"
	"gdb				gdb"
	"ip				iproute2"
	"ping				iputils-ping"
	"clang-format			clang-format"
	"dpkg-deb			dpkg"
	"cpio				cpio"
	"/usr/lib/x86_64-linux-gnu/libc.a	libc6-dev"
)

missing=()
for entry in "${needs[@]}"; do
	read -r what pkg <<<"$entry"
	if [[ $what == /* ]]; then
		[[ -e $what ]] && continue
	else
		command -v "$what" >/dev/null 2>&1 && continue
	fi
	missing+=("$pkg")
done

# The host unit tests need the sanitizer runtimes that come with gcc itself;
# check that a sanitized program links.
if command -v gcc >/dev/null 2>&1; then
	probe=$(mktemp -d)
	echo 'int main(void){return 0;}' >"$probe/p.c"
	if ! gcc -fsanitize=address,undefined "$probe/p.c" -o "$probe/p" >/dev/null 2>&1; then
		missing+=("libasan8" "libubsan1")
	fi
	rm -rf "$probe"
fi

[[ ${#missing[@]} -eq 0 ]] && exit 0

mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "setup: missing packages: ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
	echo "setup: run this as root, then make again:"
	echo "    apt-get update && apt-get install -y ${missing[*]}"
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "setup: apt-get update (fetching the package lists; can take a minute)"
apt-get update -qq
echo "setup: apt-get install ${missing[*]} (downloading and unpacking)"
apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"
