#!/usr/bin/env bash
# tools/accel.sh ACCEL BUILD - which QEMU accelerator to use: prints kvm or tcg.
#
# ACCEL=kvm or ACCEL=tcg is taken as it is.  ACCEL=auto (the default) uses
# KVM only where it really works: /dev/kvm must be usable, and the kernel
# must pass a short in-guest test under KVM (SSE-heavy newlib formatting
# included) faster than under TCG.  Some machines have a /dev/kvm that is a
# slow software emulator, or one that faults on SSE: those get TCG.
# The answer is cached in BUILD/accel.
set -u
want=$1 build=$2
if [[ $want != auto ]]; then
	echo "$want"
	exit 0
fi
if [[ -s $build/accel ]]; then
	cat "$build/accel"
	exit 0
fi

probe() {	# probe ACCEL: prints seconds taken, fails unless the tests passed
	local start end
	start=$(date +%s.%N)
	timeout 30 qemu-system-x86_64 -accel "$1" -m 64M -nodefaults -no-reboot -display none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial null \
		-kernel "$build/kernel.elf" -append "test=libc" >/dev/null 2>&1
	[[ $? -eq 33 ]] || return 1
	end=$(date +%s.%N)
	awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f\n", b - a }'
}

choice=tcg
if [[ -r /dev/kvm && -w /dev/kvm ]] && kvm_t=$(probe kvm); then
	tcg_t=$(probe tcg) || tcg_t=1000
	if awk -v k="$kvm_t" -v t="$tcg_t" 'BEGIN { exit !(k < t) }'; then
		choice=kvm
	fi
	echo "accel: KVM works here (${kvm_t}s vs TCG ${tcg_t}s): using $choice" >&2
fi
mkdir -p "$build"
echo "$choice" >"$build/accel"
echo "$choice"
