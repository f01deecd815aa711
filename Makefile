# SPDX-License-Identifier: MIT
# The teaching unikernel: build, run, test.
#
#   make            build build/kernel.elf and its tests module, build/ktests.bin (newlib is
#                   built once into a cache)
#   make run        boot it in QEMU on this terminal, the tests module passed as a multiboot
#                   module (-initrd): the monitor prompt on the serial console,
#                   a virtio-net NIC on QEMU's user network, host UDP port NETPORT (5555)
#                   and TCP port TCPPORT (7007) forwarded to the echo services, TCP port
#                   HTTPPORT (8080) to the HTTP server; NET=tap: a tap device instead; NET=none
#   make test       every test: in-guest KTAP suites, both boot paths, host unit tests
#   make bench      boot cost, image size, smallest RAM (built with LOCKDEP=n and the other
#                   debug checks off);
#                   BENCHFLAGS="--only boot": the boot figures only
#   make soak       the guest under UDP, TCP, HTTP and malformed frames while fault injection
#                   cycles, then memory back at its baseline (SOAK_MINUTES=10, SOAK_SEED=n;
#                   tools/soak.py, docs/reliability.md); make test runs a 50 s one
#   make profile    one UDP echo stepped in gdb, instructions per function (WHAT=ping-lo, disk-read)
#   make iso        build/kernel.iso, bootable with GRUB
#   make docs       rewrite the transcripts in README.md and docs/*.md from the kernel
#   make lab LAB=x  the kernel with labs/x/'s skeleton in place of the reference (run, gdb too)
#   make grade LAB=x  grade the lab (REF=1: the reference); make grade-all LAB=x SUBMISSIONS=dir
#   make gdb        the same machine as make run, waiting for gdb; make gdb-attach in a second
#                   terminal attaches gdb with the helpers; make gdb-here does both in one
#                   (docs/debugging.md).  DEBUG=1: an -Og build (in build-debug) for stepping
#   make fuzz       fuzz the network receive path and TCP (FUZZ_SECONDS=60 each)
#   make check      style: clang-format, 100 columns, SPDX lines, no compiler warning
#   make deps-check who may include whom: layers, private headers, no test header in the kernel
#                   (tools/deps_check.py, docs/architecture.md)
#   make format     apply .clang-format to every C file
#   make compile_commands.json   the kernel's compile commands, for clangd and editors
#
# BUILD=dir builds somewhere else, so several builds can live side by side.

# DEBUG=1: a build for stepping in gdb (-Og; frame pointers are always on), in its own
# directory (build-debug) so its objects never mix with the default -O2 ones.
DEBUG		?=
ifeq ($(DEBUG),1)
BUILD		?= build-debug
KOPT		:= -Og
else
KOPT		:= -O2
endif
# make bench measures the kernel without the debug checks (LOCKDEP=n DEBUG_PREEMPT=n
# MEMPOOL_DEBUG=n FAILSLAB=n), in a build directory of its own so that make test's objects are
# not rebuilt each time.
ifneq ($(filter bench profile,$(MAKECMDGOALS)),)
LOCKDEP		?= n
DEBUG_PREEMPT	?= n
MEMPOOL_DEBUG	?= n
FAILSLAB	?= n
BUILD		?= build-bench
endif
BUILD		?= build
NEWLIB_VERSION	:= 3.3.0
NEWLIB_CACHE	?= $(HOME)/.cache/teachos/newlib-$(NEWLIB_VERSION)
QEMU		?= qemu-system-x86_64
# kvm, tcg, or auto: KVM only where it really works (tools/accel.sh)
ACCEL		?= auto
MEM		?= 128M
# virtual CPUs (docs/smp.md)
SMP		?= 1
CMDLINE		?=
PYTHON		?= python3
# make run's network: user (QEMU's NAT, host ports NETPORT (UDP) and TCPPORT (TCP) -> the
# guest's echo services on port 7, HTTPPORT -> its HTTP server on port 80), tap (device
# TAPDEV, 10.0.2.2/24 on the host side: ping 10.0.2.15; root), none
NET		?= user
NETPORT		?= 5555
TCPPORT		?= 7007
HTTPPORT	?= 8080
TAPDEV		?= teachos0

CC		:= gcc
LD		:= ld
GCC_INC		:= $(shell $(CC) -print-file-name=include)

# -mcmodel=kernel: the image lives in the top 2 GiB.  -mno-red-zone: interrupts
# push onto the running stack, so nothing may live below %rsp.  Frame pointers
# make backtraces possible.  KOPT: -O2, or -Og with DEBUG=1.
KCFLAGS := -std=gnu11 $(KOPT) -g -ffreestanding -fno-pic -fno-pie -mcmodel=kernel \
	-mno-red-zone -fno-stack-protector -fno-omit-frame-pointer \
	-fno-asynchronous-unwind-tables -fno-common -fno-strict-aliasing \
	-Wall -Wextra -Wno-unused-parameter -Wno-sign-compare -Wshadow \
	-Werror=implicit-function-declaration \
	-nostdinc -isystem $(NEWLIB_CACHE)/include -isystem $(GCC_INC) -Iinclude \
	-MMD -MP
# TRACE=0 compiles every tracepoint out (include/kernel/trace.h), for make bench's
# comparison; give it a BUILD= of its own to keep both builds (a changed flag rebuilds all).
TRACE		?= 1
KCFLAGS += -DCONFIG_TRACE=$(TRACE)
# The debug options below are y (the default, make test's) or n (make bench's); each y adds its
# -DCONFIG_... .  $(call yn_option,NAME,CONFIG_SYMBOL) refuses any other value.
yn_option = $(if $(filter y n,$($(1))),,$(error $(1)=$($(1)): use $(1)=y (the default) or \
	$(1)=n))$(if $(filter y,$($(1))),-D$(2))
# LOCKDEP: the lock validator and the spinlock and mutex debug checks (docs/locking.md);
# exported, as all four, so the builds tools/bench*.py make match it.
LOCKDEP		?= y
KCFLAGS += $(call yn_option,LOCKDEP,CONFIG_LOCKDEP)
# DEBUG_PREEMPT: smp_processor_id(), this_cpu_ptr() and __this_cpu_*() report a use from
# preemptible code (include/kernel/percpu.h), and the slab fast path and __alloc_skb send a
# sleeping allocation in atomic context to might_sleep's report (3.10's
# CONFIG_DEBUG_ATOMIC_SLEEP).
DEBUG_PREEMPT	?= y
KCFLAGS += $(call yn_option,DEBUG_PREEMPT,CONFIG_DEBUG_PREEMPT)
# MEMPOOL_DEBUG: each mempool records who holds every element it handed out, and a sleeping
# mempool_alloc that nobody can ever satisfy is reported as a deadlock and returns NULL
# (docs/mempool.md); n: 3.10's mempool, the allocator tried without the pool's lock, no owner
# table, no diagnosis.
MEMPOOL_DEBUG	?= y
KCFLAGS += $(call yn_option,MEMPOOL_DEBUG,CONFIG_DEBUG_MEMPOOL)
# FAILSLAB: failslab fault injection (include/mm/fault_inject.h), 3.10's CONFIG_FAILSLAB, which
# costs the slab fast path a compare; n builds without it (failslab= is then refused).
FAILSLAB	?= y
KCFLAGS += $(call yn_option,FAILSLAB,CONFIG_FAILSLAB)
export LOCKDEP DEBUG_PREEMPT MEMPOOL_DEBUG FAILSLAB
# CI builds from scratch, so there a warning may stop the build itself; locally `make check`
# fails on the warnings each object kept (x.o.warn) instead, without a rebuild.
ifeq ($(CI),true)
KCFLAGS += -Werror
endif
KASFLAGS := -D__ASSEMBLER__ -Iinclude -MMD -MP
KLDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack --build-id=sha1 \
	--no-warn-rwx-segments -T linker.ld

# The kernel's own folders, then its tests and in-guest benchmarks, which the kernel reaches
# only through the tests module's tables (include/kernel/ktests.h, include/kernel/runner.h).
KDIRS	:= $(wildcard boot kernel mm drivers net block tests bench/guest)
KSRCS	:= $(sort $(shell find $(KDIRS) -path tests/host -prune -o \
		\( -name '*.c' -o -name '*.S' \) -print))
KOBJS	:= $(patsubst %,$(BUILD)/%.o,$(basename $(KSRCS)))
NEWLIB	:= $(NEWLIB_CACHE)/.stamp
LIBS	:= $(NEWLIB_CACHE)/lib/libc.a $(NEWLIB_CACHE)/lib/libm.a

# Labs (docs/teaching.md): LAB=name links the kernel with the skeletons of labs/<name>/ in place
# of the reference files its lab.json names ("replaces"), in $(BUILD)/lab-<name>; every other
# object is the reference's, shared with the plain build.  LABDIR= takes the skeletons from
# another copy of that folder (a student's submission), LBUILD= links somewhere else.  REF=1: the
# reference kernel, for make run/gdb/grade.
LAB		?=
ifneq ($(LAB),)
ifeq ($(wildcard labs/$(LAB)/lab.json),)
$(error LAB=$(LAB): there is no labs/$(LAB)/lab.json (labs: $(notdir $(wildcard labs/*))))
endif
ifneq ($(REF),1)
LABDIR		?= labs/$(LAB)
LBUILD		?= $(BUILD)/lab-$(LAB)
# "reference:skeleton" pairs, from lab.json
LAB_PAIRS	:= $(shell $(PYTHON) tools/grade.py replaces $(LAB))
ifeq ($(LAB_PAIRS),)
$(error LAB=$(LAB): labs/$(LAB)/lab.json names no file it replaces)
endif
lab_ref		= $(word 1,$(subst :, ,$(1)))
lab_skel	= $(LABDIR)/$(word 2,$(subst :, ,$(1)))
lab_obj		= $(LBUILD)/obj/$(basename $(call lab_ref,$(1))).o
LAB_OBJS	:= $(foreach p,$(LAB_PAIRS),$(call lab_obj,$(p)))
LAB_REF_OBJS	:= $(foreach p,$(LAB_PAIRS),$(BUILD)/$(basename $(call lab_ref,$(p))).o)
KOBJS		:= $(filter-out $(LAB_REF_OBJS),$(KOBJS)) $(LAB_OBJS)
endif
endif
# Where the kernel is linked: the build directory, or the lab's.
KLINK	:= $(if $(LAB_PAIRS),$(LBUILD),$(BUILD))
KERNEL	:= $(KLINK)/kernel.elf
# The tests module (docs/testing.md): the objects of tests/ and bench/guest/ as one object of
# .ktests.* sections (ktests.ld), linked with the kernel but placed past the image the loader
# loads; tools/mkktests cuts them into ktests.bin, which make run, make test and the ISO pass
# to the loader as a multiboot module.
KTEST_OBJS := $(filter $(BUILD)/tests/% $(BUILD)/bench/guest/%,$(KOBJS))
KTESTS_O   := $(if $(KTEST_OBJS),$(BUILD)/ktests.o)
KLINK_OBJS := $(filter-out $(KTEST_OBJS),$(KOBJS)) $(KTESTS_O)
KTESTS	:= $(if $(KTEST_OBJS),$(KLINK)/ktests.bin)
ISO	:= $(BUILD)/kernel.iso

.PHONY: all kernel iso run run-iso test bench soak profile gdb gdb-attach gdb-here host-test fuzz \
	clean distclean deps
all: kernel
kernel: $(KERNEL) $(KTESTS)

# Set-up: check the tools, install what is missing (as root), build newlib.
$(BUILD)/.deps-ok: tools/setup-deps.sh
	@tools/setup-deps.sh
	@mkdir -p $(BUILD) && touch $@
deps: $(BUILD)/.deps-ok

$(NEWLIB): | $(BUILD)/.deps-ok
	@tools/build-newlib.sh $(NEWLIB_CACHE)

# The flags the objects were compiled with: rewritten only when they change (DEBUG=1 or
# TRACE=0 into a directory built without), and then every object is rebuilt.
$(BUILD)/.cflags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(KCFLAGS)' | cmp -s - $@ || echo '$(KCFLAGS)' > $@
.PHONY: FORCE

# Each object's compiler messages are kept beside it (x.o.warn) as well as shown: `make check`
# (and so make test and CI) fails on any, a local make only prints them (docs/testing.md).
KEEP_WARNINGS = 2>$(BUILD)/$*.o.warn; s=$$?; cat $(BUILD)/$*.o.warn >&2; exit $$s
# Public headers are <subsystem/name.h> under include/, private ones "name.h" beside their .c
# (no -I. reaches them from elsewhere: docs/architecture.md).  The in-guest tests alone also
# find their harness and shared helpers by bare name in tests/lib/.
KTESTFLAGS := -Itests/lib
$(BUILD)/%.o $(BUILD)/%.o.warn: %.c $(NEWLIB) $(BUILD)/.cflags
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(KCFLAGS) $(if $(filter tests/%,$<),$(KTESTFLAGS)) -c $< -o $(BUILD)/$*.o \
		$(KEEP_WARNINGS)

$(BUILD)/%.o $(BUILD)/%.o.warn: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(KASFLAGS) -c $< -o $(BUILD)/$*.o $(KEEP_WARNINGS)

# A lab's skeleton is compiled as if it stood in its reference file's place: that folder's
# private headers ("name.h") resolve, and always with -Werror (the host tests that build it
# have it too).  $(LBUILD)/.labdir, rewritten when LABDIR or the skeletons' contents change,
# rebuilds the lab's objects even from files older than them (a copy that kept its dates).
ifneq ($(LAB_PAIRS),)
LAB_SKELS	:= $(foreach p,$(LAB_PAIRS),$(call lab_skel,$(p)))
$(LBUILD)/.labdir: FORCE
	@mkdir -p $(LBUILD)
	@{ echo '$(abspath $(LABDIR))'; cat $(LAB_SKELS) 2>/dev/null | sha1sum; } > $@.new; \
	cmp -s $@.new $@ && rm $@.new || mv $@.new $@
endif
define LAB_OBJ_RULE
$(call lab_obj,$(1)): $(call lab_skel,$(1)) $(NEWLIB) $(BUILD)/.cflags $(LBUILD)/.labdir
	@mkdir -p $$(dir $$@)
	@echo "  CC      $(call lab_skel,$(1))  (lab $(LAB): for $(call lab_ref,$(1)))"
	@$(CC) $(KCFLAGS) -Werror -iquote $(dir $(call lab_ref,$(1))) -c $$< -o $$@
endef
$(foreach p,$(LAB_PAIRS),$(eval $(call LAB_OBJ_RULE,$(p))))

# Two links.  The first has an empty symbol table; its symbols are written
# into ksyms.S and the second link places that table after .rodata, so no
# function moves (tools/mksyms checks this).
$(BUILD)/ksyms0.o: tools/mksyms
	@mkdir -p $(BUILD)
	@tools/mksyms /dev/null > $(BUILD)/ksyms0.S
	@$(CC) $(KASFLAGS) -c $(BUILD)/ksyms0.S -o $@

$(BUILD)/ktests.o: $(KTEST_OBJS) ktests.ld tools/mkktests
	@echo "  LD -r   $@"
	@$(LD) -r -T ktests.ld -o $@ $(KTEST_OBJS)
	@$(PYTHON) tools/mkktests check $@

$(KLINK)/kernel.pass1.elf: $(KLINK_OBJS) $(BUILD)/ksyms0.o linker.ld
	@mkdir -p $(KLINK)
	@$(PYTHON) tools/mkktests kernel-refs $(KTESTS_O) $(filter-out $(KTESTS_O),$(KLINK_OBJS))
	@echo "  LD      $@"
	@$(LD) $(KLDFLAGS) -o $@ $(KLINK_OBJS) $(BUILD)/ksyms0.o --start-group $(LIBS) --end-group

# kernel.elf and its tests module are made together, so that the two always match (a grouped
# target: GNU make 4.3); a recipe that fails leaves neither behind (.DELETE_ON_ERROR).
ifeq ($(filter grouped-target,$(.FEATURES)),)
$(error GNU make 4.3 or later is needed (grouped targets); this is make $(MAKE_VERSION))
endif
.DELETE_ON_ERROR:
$(KERNEL) $(KLINK)/ktests.bin &: $(KLINK)/kernel.pass1.elf tools/mkktests
	@tools/mksyms $< > $(KLINK)/ksyms.S
	@$(CC) $(KASFLAGS) -c $(KLINK)/ksyms.S -o $(KLINK)/ksyms.o
	@echo "  LD      $(KERNEL)"
	@$(LD) $(KLDFLAGS) -o $(KERNEL) $(KLINK_OBJS) $(KLINK)/ksyms.o \
		--start-group $(LIBS) --end-group
	@tools/mksyms --check $< $(KERNEL)
	@$(PYTHON) tools/mkktests size $(KERNEL)
	@echo "  MODULE  $(KLINK)/ktests.bin"
	@$(PYTHON) tools/mkktests image $(KERNEL) $(KLINK)/ktests.bin

# Rebuilt every time: the command line (CMDLINE=) is baked into grub.cfg.
.PHONY: $(ISO)
iso: $(ISO)
$(ISO): $(KERNEL) $(KTESTS) boot/grub.cfg
	@mkdir -p $(BUILD)/isodir/boot/grub
	@cp $(KERNEL) $(BUILD)/isodir/boot/kernel.elf
	@rm -f $(BUILD)/isodir/boot/ktests.bin
	@$(if $(KTESTS),cp $(KTESTS) $(BUILD)/isodir/boot/ktests.bin)
	@sed 's|@CMDLINE@|$(CMDLINE)|' boot/grub.cfg > $(BUILD)/isodir/boot/grub/grub.cfg
	@echo "  ISO     $@"
	@grub-mkrescue -o $@ $(BUILD)/isodir >$(BUILD)/grub-mkrescue.log 2>&1 || \
		{ cat $(BUILD)/grub-mkrescue.log; exit 1; }

QEMU_ACCEL = $$(tools/accel.sh $(ACCEL) $(BUILD) $(QEMU))
QEMU_BASE = -accel $(QEMU_ACCEL) -m $(MEM) -smp $(SMP) -nodefaults -no-reboot -display none \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04

# The NIC make run attaches (drivers/net/virtio_net.c has the QEMU command line explained).
NIC_DEVICE = -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56
NET_user = -netdev user,id=n0,hostfwd=udp:127.0.0.1:$(NETPORT)-10.0.2.15:7,$\
	hostfwd=tcp:127.0.0.1:$(TCPPORT)-10.0.2.15:7,$\
	hostfwd=tcp:127.0.0.1:$(HTTPPORT)-10.0.2.15:80 $(NIC_DEVICE)
# With SMP > 1 a tap gets a queue pair per CPU (docs/network.md, "Multiqueue"): a multi_queue
# tap, QEMU's queues=, and the NIC's mq=on with a vector per queue, config and control.
comma := ,
MQ = $(filter-out 1,$(SMP))
TAP_MQ = $(if $(MQ),$(comma)queues=$(SMP)$(comma)vhost=off)
NIC_MQ = $(if $(MQ),$(comma)mq=on$(comma)vectors=$(shell expr 2 \* $(SMP) + 2))
NET_tap = -netdev tap,id=n0,ifname=$(TAPDEV),script=no,downscript=no$(TAP_MQ) $(NIC_DEVICE)$(NIC_MQ)
NET_none =

# The disk make run attaches: vda on a raw image made (sparse, with truncate) on first run
# and kept between runs (drivers/block/virtio_blk.c has the QEMU command line explained).
# build/disk.img whatever BUILD is: make run, make gdb and DEBUG=1 all boot the one user disk.
DISK_IMG	?= build/disk.img
DISK_SIZE	?= 64M
DISK_MADE = a blank $(DISK_SIZE) raw image, sparse, kept between runs (vda; try 'blk' at the prompt)
DISK_ARGS = -drive if=none,id=d0,format=raw,file=$(DISK_IMG) \
	-device virtio-blk-pci,drive=d0,serial=teachos-vda

$(DISK_IMG):
	@mkdir -p $(dir $@)
	@echo "  DISK    $@: $(DISK_MADE)"
	@truncate -s $(DISK_SIZE) $@

# The shell lines around QEMU for NET=: say how to reach the guest; NET=tap makes the tap
# device unless it exists ($$made: we made it, and NET_DOWN removes it again).
NET_UP = case "$(NET)" in \
	user) echo "Network: QEMU user networking; from the host: \
	      echo hi | nc -u -w1 127.0.0.1 $(NETPORT) (UDP), \
	      echo hi | nc -N 127.0.0.1 $(TCPPORT) (TCP), \
	      curl http://127.0.0.1:$(HTTPPORT)/ (HTTP)"; \
	      [ -z "$(MQ)" ] || echo "One queue pair: QEMU's user network has one queue \
	      (NET=tap: one per CPU)";; \
	tap) [ "$$(id -u)" = 0 ] && [ -e /dev/net/tun ] || \
	     { echo "NET=tap needs root and /dev/net/tun"; exit 1; }; \
	     ip link show $(TAPDEV) >/dev/null 2>&1 || { ip tuntap add dev $(TAPDEV) mode tap \
	     $(if $(MQ),multi_queue) && ip addr add 10.0.2.2/24 dev $(TAPDEV) && made=1; } && \
	     ip link set $(TAPDEV) up || exit 1; \
	     echo "Network: tap $(TAPDEV), host side 10.0.2.2/24; from the host: ping 10.0.2.15"; \
	     [ -z "$(MQ)" ] || echo "$(SMP) queue pairs, one per CPU";; \
	none) ;; \
	*) echo "NET=$(NET): use user, tap or none"; exit 1;; \
	esac
NET_DOWN = [ -z "$$made" ] || ip link del $(TAPDEV)
QEMU_STATUS = s=$$?; [ $$s -eq 33 ] || [ $$s -eq 0 ] || echo "QEMU exited with status $$s"

# make run's machine.  make gdb and make gdb-here boot this same machine: only the console
# and the gdb stub are added.
QEMU_MACHINE = $(QEMU_BASE) $(NET_$(NET)) $(DISK_ARGS) -kernel $(KERNEL) \
	$(if $(KTESTS),-initrd $(KTESTS)) -append "$(CMDLINE)"
# make run's devices, for the host checks that boot its machine (tools/qemu.py run_devices):
# written down here only.  Builds nothing.
.PHONY: print-run-devices print-kcflags print-ktestflags
print-run-devices:
	@echo '$(NET_$(NET)) $(DISK_ARGS)'
# The compiler flags of this configuration, as $(BUILD)/.cflags holds them (tools/docgen.py
# compares a build against the default configuration's).
print-kcflags:
	@echo '$(KCFLAGS)'
# What the in-guest tests' objects add to those (tools/deps_check.py checks their -I folders).
print-ktestflags:
	@echo '$(KTESTFLAGS)'
# The console on this terminal: the serial port muxed with QEMU's monitor (Ctrl-] c switches
# between them, Ctrl-] x quits).  -echr 0x1d: the mux's escape key is Ctrl-] (telnet's), not
# QEMU's default Ctrl-a, which the monitor's line editor needs (start of line).  signal=off:
# Ctrl-C is a key the guest reads (it stops a running command) instead of a SIGINT that would
# end QEMU.  Piped input works as well.
CONSOLE_TTY = -echr 0x1d -chardev stdio,id=con0,mux=on,signal=off -serial chardev:con0 \
	-mon chardev=con0

run: $(KERNEL) $(DISK_IMG)
	@$(NET_UP); \
	echo "Booting; the monitor prompt is on this terminal. 'poweroff' or Ctrl-] x quits."; \
	$(QEMU) $(QEMU_MACHINE) $(CONSOLE_TTY); $(QEMU_STATUS); \
	$(NET_DOWN)

run-iso: $(ISO)
	@$(QEMU) $(QEMU_BASE) $(CONSOLE_TTY) -cdrom $(ISO); $(QEMU_STATUS)

# Debugging (docs/debugging.md).  QEMU's gdb stub on 127.0.0.1:GDBPORT; -S: the CPU waits
# for gdb before the first instruction.  gdb runs with the symbols and tools/gdb/teachos.py
# (`help teachos`), alone in the terminal's foreground (tools/gdb/foreground.py), so Ctrl-C
# stops the kernel and reaches neither make nor QEMU.  DEBUG=1 debugs the -Og build.
GDB		?= gdb
GDBPORT		?= 1234
GDB_STUB = -gdb tcp:127.0.0.1:$(GDBPORT) -S
GDB_CMD = $(PYTHON) tools/gdb/foreground.py $(GDB) -q -x tools/gdb/teachos.py $(KERNEL)
GDB_ATTACH = make gdb-attach$(if $(LAB), LAB=$(LAB))$(if $(filter 1,$(REF)), REF=1)
GDB_WAITS = QEMU waits for gdb on 127.0.0.1:$(GDBPORT): run '$(GDB_ATTACH)' in a second terminal.
# make gdb-here: the serial port on a socket that gdb's `console` command talks to, and logged.
CONSOLE_SOCK = $(BUILD)/console.sock
CONSOLE_GDB = -chardev \
	socket,id=con0,path=$(CONSOLE_SOCK),server=on,wait=off,logfile=$(BUILD)/console.log \
	-serial chardev:con0

# Terminal 1: the machine, waiting; its console and QEMU's monitor on this terminal.
gdb: $(KERNEL) $(DISK_IMG)
	@$(NET_UP); \
	echo "$(GDB_WAITS)"; \
	echo "The monitor prompt comes here once gdb continues. 'poweroff' or Ctrl-] x quits."; \
	$(QEMU) $(QEMU_MACHINE) $(CONSOLE_TTY) $(GDB_STUB); $(QEMU_STATUS); \
	$(NET_DOWN)

# Terminal 2: gdb attaches and continues (Ctrl-C for its prompt).  Never rebuilds the kernel:
# its symbols must be those of the kernel make gdb is running.
gdb-attach:
	@[ -f $(KERNEL) ] || { echo "no $(KERNEL): start make gdb first"; exit 1; }
	@$(PYTHON) tools/gdb/listening.py $(GDBPORT) || { \
		echo 'nothing listens on 127.0.0.1:$(GDBPORT):' \
			'start `make gdb` in another terminal first'; exit 1; }
	@$(GDB_CMD) -ex 'target remote 127.0.0.1:$(GDBPORT)' -ex continue

# One terminal: QEMU in the background in a session of its own (no signal from this terminal
# reaches it), gdb here; the console shows inside gdb, `console LINE` types at the prompt.
gdb-here: $(KERNEL) $(DISK_IMG)
	@$(NET_UP); \
	rm -f $(CONSOLE_SOCK); \
	setsid $(QEMU) $(QEMU_MACHINE) $(CONSOLE_GDB) $(GDB_STUB) </dev/null & qemu=$$!; \
	trap 'kill $$qemu 2>/dev/null; rm -f $(CONSOLE_SOCK); exit 1' HUP TERM; \
	$(GDB_CMD) -ex 'console-attach $(CONSOLE_SOCK)' -ex 'target remote 127.0.0.1:$(GDBPORT)' \
		-ex continue; \
	kill $$qemu 2>/dev/null; wait $$qemu 2>/dev/null; rm -f $(CONSOLE_SOCK); \
	$(NET_DOWN)

# The runner makes its own ISO (a test command line in grub.cfg) under
# $(BUILD)/test-iso and runs host-test itself.  TESTFLAGS: e.g. "--only ktest -v".
test: $(KERNEL)
	@$(PYTHON) tools/run-tests.py --build $(BUILD) --qemu $(QEMU) --accel $(QEMU_ACCEL) \
		--mem $(MEM) $(TESTFLAGS)

# Labs (docs/teaching.md, labs/<name>/README.md).  make lab LAB=x: the kernel with the lab's
# skeletons (make run LAB=x and make gdb LAB=x boot it).  make grade LAB=x: build it, run the
# lab's graded tests, print each part's score and the total; REF=1 grades the reference,
# LABDIR= a copy of labs/x/ elsewhere.  make grade-all LAB=x SUBMISSIONS=dir/: every
# subfolder of dir/ is one student's labs/x/; the scores as CSV ($(BUILD)/grade-all/x.csv).
.PHONY: lab grade grade-all
NEED_LAB = @[ -n "$(LAB)" ] || { echo "say which lab: LAB=name (labs: $(notdir \
	$(wildcard labs/*)))"; exit 1; }
lab:
	$(NEED_LAB)
	@$(MAKE) --no-print-directory kernel LAB=$(LAB)

GRADE_OPTS = --build $(BUILD) --qemu $(QEMU) --accel $(QEMU_ACCEL)
grade:
	$(NEED_LAB)
	@$(PYTHON) tools/grade.py grade $(LAB) $(GRADE_OPTS) $(if $(filter 1,$(REF)),--ref) \
		$(if $(filter command line,$(origin LABDIR)),--labdir $(LABDIR))

grade-all:
	$(NEED_LAB)
	@[ -d "$(SUBMISSIONS)" ] || { echo "SUBMISSIONS=dir/: a folder of submissions"; exit 1; }
	@$(PYTHON) tools/grade.py grade-all $(LAB) $(SUBMISSIONS) $(GRADE_OPTS)

$(BUILD)/exit-kernel.elf: bench/exit-kernel.S
	@mkdir -p $(BUILD)
	@$(CC) -m32 -c $< -o $(BUILD)/exit-kernel.o
	@$(LD) -m elf_i386 -Ttext=0x100000 --build-id=none -o $@ $(BUILD)/exit-kernel.o

# The transcripts in README.md and docs/*.md, rewritten from what the kernel prints
# (tools/docgen.py); make test fails when one is out of date.  DOCSFLAGS=--check compares only.
.PHONY: docs
docs: $(KERNEL)
	@$(PYTHON) tools/docgen.py --build $(BUILD) --qemu $(QEMU) --accel $(QEMU_ACCEL) \
		$(DOCSFLAGS)

bench: $(KERNEL) $(BUILD)/exit-kernel.elf
	@$(PYTHON) tools/bench.py --build $(BUILD) --qemu $(QEMU) --accel $(QEMU_ACCEL) \
		$(BENCHFLAGS)

# make soak: SOAK_MINUTES of load under cycling fault injection and 20 SIGKILL crash rounds;
# the kernel of make test (its debug checks on).  SOAK_SEED=n repeats a run (default: random).
SOAK_MINUTES	?= 10
SOAK_SEED	?=
soak: $(KERNEL)
	@$(PYTHON) tools/soak.py --build $(BUILD) --qemu $(QEMU) --accel $(QEMU_ACCEL) \
		--minutes $(SOAK_MINUTES) $(if $(SOAK_SEED),--seed $(SOAK_SEED)) $(SOAKFLAGS)

# make profile WHAT=udp-echo (or ping-lo, disk-read): one packet (or a 4 KiB disk read)
# stepped instruction by instruction in gdb, the count per function (tools/profile_insns.py;
# docs/debugging.md).  PROFILEFLAGS=--lines adds the count per source line, --to-halt the rest
# of the echo.
WHAT		?= udp-echo
profile: $(KERNEL)
	@$(PYTHON) tools/profile_insns.py --build $(BUILD) --qemu $(QEMU) --what $(WHAT) \
		$(PROFILEFLAGS)

host-test:
	@$(MAKE) -s -C tests/host BUILD=$(abspath $(BUILD))/host

# Style (docs/testing.md, "Style").  check: clang-format, 100 columns, SPDX lines and no
# compiler message in any kernel object (make test's step `style`); check-selftest: each
# of those checks refuses a canned bad file.  format: .clang-format applied to every C file.
# compile_commands.json: every kernel .c with this Makefile's flags and every .c of tests/host/
# with tests/host/Makefile's (its print-cflags), for clangd and editors.
KWARNS	:= $(KOBJS:.o=.o.warn)
.PHONY: check check-selftest format compile_commands.json
check: $(KOBJS) $(KWARNS)
	@$(PYTHON) tools/style_checks.py --check --warnings $(KWARNS)

check-selftest: $(NEWLIB)
	@$(PYTHON) tools/style_checks.py --selftest

format:
	@tools/format.sh

# Who may include whom (docs/architecture.md): make test's step `deps`.
.PHONY: deps-check
deps-check:
	@$(PYTHON) tools/deps_check.py

CDB	?= compile_commands.json
compile_commands.json:
	@$(MAKE) -s --no-print-directory -C tests/host print-cflags > $(CDB).host && \
	$(PYTHON) tools/compile_commands.py --cc $(CC) --build $(BUILD) --cflags '$(KCFLAGS)' \
		--test-cflags='$(KTESTFLAGS)' --host-cflags $(CDB).host $(filter %.c,$(KSRCS)) \
		> $(CDB).tmp && mv $(CDB).tmp $(CDB); s=$$?; rm -f $(CDB).host $(CDB).tmp; exit $$s
	@echo "  GEN     $(CDB)"

# Fuzz the network receive path (libFuzzer if clang has it): FUZZ_SECONDS=60.
fuzz:
	@$(MAKE) -s -C tests/host fuzz BUILD=$(abspath $(BUILD))/host

clean:
	rm -rf $(BUILD)

# Also forget the newlib cache (rebuilt on the next make).
distclean: clean
	rm -rf $(NEWLIB_CACHE)

-include $(KOBJS:.o=.d)
