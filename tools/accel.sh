#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tools/accel.sh ACCEL BUILD [QEMU] - which QEMU accelerator to use: prints kvm or tcg.
#
# ACCEL=kvm or ACCEL=tcg is taken as it is.  ACCEL=auto (the default) uses
# KVM only where it really works: /dev/kvm must be usable, and the kernel
# must pass a short in-guest test under KVM (SSE-heavy newlib formatting
# included) faster than under TCG.  Some machines have a /dev/kvm that is a
# slow software emulator, one that faults on SSE, or one where the probe
# never returns: those get TCG.
#
# The probe is bounded: KVM gets PROBE_SECONDS (2), then TCG gets as long as
# KVM took (if TCG cannot finish in that time, KVM is the faster), so a first
# `make run` waits at most about 4 s here, and says so on stderr while it does.
# The verdict is kept in BUILD/accel with the host it holds for (the running
# kernel's release and the QEMU binary's path and mtime); a new host kernel or
# QEMU asks again.  rm BUILD/accel to ask again by hand.  Only a verdict about
# KVM is kept: when KVM fails the probe, TCG runs the same kernel, and if that
# fails too the kernel (or a loaded host) is to blame, not KVM: the answer is
# tcg for now, nothing is kept, and the next make asks again.
set -u
want=$1 build=$2 qemu=${3:-qemu-system-x86_64}
PROBE_SECONDS=2
if [[ $want != auto ]]; then
	echo "$want"
	exit 0
fi

qemu_path=$(command -v "$qemu" 2>/dev/null) || qemu_path=$qemu
host="$(uname -r) $qemu_path $(stat -c %Y "$qemu_path" 2>/dev/null || echo none)"
cache=$build/accel
# The cache: line 1 the host, line 2 the verdict.
if [[ -s $cache ]] && [[ $(sed -n 1p "$cache") == "host: $host" ]]; then
	sed -n 2p "$cache"
	exit 0
fi

# probe ACCEL SECONDS: prints the seconds taken; fails unless the tests passed in time
# (status 124: the time ran out; any other: the kernel did not pass or QEMU failed).
probe() {
	local start end status
	start=$(date +%s.%N)
	timeout -k 1 "$2" "$qemu" -accel "$1" -m 64M -nodefaults -no-reboot -display none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial null \
		-kernel "$build/kernel.elf" -initrd "$build/ktests.bin" -append "test=libc" \
		>/dev/null 2>&1 # the libc suite is in the tests module
	status=$?
	[[ $status -eq 33 ]] || return $((status == 124 ? 124 : 1))
	end=$(date +%s.%N)
	awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f\n", b - a }'
}

remember() {	# remember VERDICT WHY: cache it, say why on stderr, print it
	mkdir -p "$build"
	printf 'host: %s\n%s\n' "$host" "$1" >"$cache"
	echo "accel: $2: using $1 (kept in $cache)" >&2
	echo "$1"
}

if [[ ! -r /dev/kvm || ! -w /dev/kvm ]]; then
	remember tcg "no usable /dev/kvm"
	exit 0
fi
if [[ ! -f $build/kernel.elf ]]; then
	echo tcg	# nothing to probe with yet: no verdict kept
	exit 0
fi
echo "accel: /dev/kvm is here; does KVM run the kernel? (a probe of at most ${PROBE_SECONDS} s)" >&2
kvm_t=$(probe kvm "$PROBE_SECONDS")
case $? in
0) ;;
124)	remember tcg "the KVM probe did not finish in ${PROBE_SECONDS} s"
	exit 0;;
*)	# KVM ran the kernel and it failed: KVM's fault only if TCG passes the same test.
	if probe tcg 30 >/dev/null; then
		remember tcg "the kernel fails its test under KVM and passes under TCG"
	else
		echo "accel: the kernel fails its test under KVM and TCG alike: using tcg," \
			"nothing kept (the next make asks again)" >&2
		echo tcg
	fi
	exit 0;;
esac
if tcg_t=$(probe tcg "$kvm_t"); then
	remember tcg "KVM works but is not faster here (${kvm_t}s vs TCG ${tcg_t}s)"
else
	remember kvm "KVM works (${kvm_t}s; TCG did not finish in that time)"
fi
