# The teaching unikernel: build, run, test.
#
#   make            build build/kernel.elf (newlib is built once into a cache)
#   make run        boot it in QEMU on this terminal: the monitor prompt on the serial console,
#                   a virtio-net NIC on QEMU's user network, host UDP port NETPORT (5555)
#                   forwarded to the echo service; NET=tap: a tap device instead; NET=none
#   make test       every test: in-guest KTAP suites, both boot paths, host unit tests
#   make bench      boot cost, image size, smallest RAM
#   make iso        build/kernel.iso, bootable with GRUB
#   make gdb        QEMU waiting for gdb (-s -S) and gdb attached with symbols
#   make fuzz       fuzz the network receive path (FUZZ_SECONDS=60)
#
# BUILD=dir builds somewhere else, so several builds can live side by side.

BUILD		?= build
NEWLIB_VERSION	:= 3.3.0
NEWLIB_CACHE	?= $(HOME)/.cache/teachos/newlib-$(NEWLIB_VERSION)
QEMU		?= qemu-system-x86_64
# kvm, tcg, or auto: KVM only where it really works (tools/accel.sh)
ACCEL		?= auto
MEM		?= 128M
CMDLINE		?=
PYTHON		?= python3
# make run's network: user (QEMU's NAT, host port NETPORT -> the guest's UDP echo on
# port 7), tap (device TAPDEV, 10.0.2.2/24 on the host side: ping 10.0.2.15; root), none
NET		?= user
NETPORT		?= 5555
TAPDEV		?= teachos0

CC		:= gcc
LD		:= ld
GCC_INC		:= $(shell $(CC) -print-file-name=include)

# -mcmodel=kernel: the image lives in the top 2 GiB.  -mno-red-zone: interrupts
# push onto the running stack, so nothing may live below %rsp.  Frame pointers
# make backtraces possible.
KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie -mcmodel=kernel \
	-mno-red-zone -fno-stack-protector -fno-omit-frame-pointer \
	-fno-asynchronous-unwind-tables -fno-common -fno-strict-aliasing \
	-Wall -Wextra -Wno-unused-parameter -Wno-sign-compare -Wshadow -Werror=implicit-function-declaration \
	-nostdinc -isystem $(NEWLIB_CACHE)/include -isystem $(GCC_INC) -Iinclude -I. \
	-MMD -MP
KASFLAGS := -D__ASSEMBLER__ -Iinclude -I. -MMD -MP
KLDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack --build-id=none \
	--no-warn-rwx-segments -T linker.ld

KDIRS	:= $(wildcard boot kernel mm drivers net block tests bench/guest)
KSRCS	:= $(sort $(shell find $(KDIRS) -path tests/host -prune -o \( -name '*.c' -o -name '*.S' \) -print))
KOBJS	:= $(patsubst %,$(BUILD)/%.o,$(basename $(KSRCS)))
NEWLIB	:= $(NEWLIB_CACHE)/.stamp
LIBS	:= $(NEWLIB_CACHE)/lib/libc.a $(NEWLIB_CACHE)/lib/libm.a

KERNEL	:= $(BUILD)/kernel.elf
ISO	:= $(BUILD)/kernel.iso

.PHONY: all kernel iso run run-iso test bench gdb host-test fuzz clean distclean deps
all: kernel
kernel: $(KERNEL)

# Set-up: check the tools, install what is missing (as root), build newlib.
$(BUILD)/.deps-ok: tools/setup-deps.sh
	@tools/setup-deps.sh
	@mkdir -p $(BUILD) && touch $@
deps: $(BUILD)/.deps-ok

$(NEWLIB): | $(BUILD)/.deps-ok
	@tools/build-newlib.sh $(NEWLIB_CACHE)

$(BUILD)/%.o: %.c $(NEWLIB)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/%.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(KASFLAGS) -c $< -o $@

# Two links.  The first has an empty symbol table; its symbols are written
# into ksyms.S and the second link places that table after .rodata, so no
# function moves (tools/mksyms checks this).
$(BUILD)/ksyms0.o: tools/mksyms
	@mkdir -p $(BUILD)
	@tools/mksyms /dev/null > $(BUILD)/ksyms0.S
	@$(CC) $(KASFLAGS) -c $(BUILD)/ksyms0.S -o $@

$(BUILD)/kernel.pass1.elf: $(KOBJS) $(BUILD)/ksyms0.o linker.ld
	@echo "  LD      $@"
	@$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/ksyms0.o --start-group $(LIBS) --end-group

$(KERNEL): $(BUILD)/kernel.pass1.elf
	@tools/mksyms $< > $(BUILD)/ksyms.S
	@$(CC) $(KASFLAGS) -c $(BUILD)/ksyms.S -o $(BUILD)/ksyms.o
	@echo "  LD      $@"
	@$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/ksyms.o --start-group $(LIBS) --end-group
	@tools/mksyms --check $< $@
	@size $@ | tail -1 | awk '{printf "  SIZE    text %d  data %d  bss %d\n", $$1, $$2, $$3}'

# Rebuilt every time: the command line (CMDLINE=) is baked into grub.cfg.
.PHONY: $(ISO)
iso: $(ISO)
$(ISO): $(KERNEL) boot/grub.cfg
	@mkdir -p $(BUILD)/isodir/boot/grub
	@cp $(KERNEL) $(BUILD)/isodir/boot/kernel.elf
	@sed 's|@CMDLINE@|$(CMDLINE)|' boot/grub.cfg > $(BUILD)/isodir/boot/grub/grub.cfg
	@echo "  ISO     $@"
	@grub-mkrescue -o $@ $(BUILD)/isodir >$(BUILD)/grub-mkrescue.log 2>&1 || \
		{ cat $(BUILD)/grub-mkrescue.log; exit 1; }

QEMU_ACCEL = $$(tools/accel.sh $(ACCEL) $(BUILD))
QEMU_BASE = -accel $(QEMU_ACCEL) -m $(MEM) -nodefaults -no-reboot -display none \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04

# The NIC make run attaches (drivers/virtio_net.c has the QEMU command line explained).
NIC_DEVICE = -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56
NET_user = -netdev user,id=n0,hostfwd=udp:127.0.0.1:$(NETPORT)-10.0.2.15:7 $(NIC_DEVICE)
NET_tap = -netdev tap,id=n0,ifname=$(TAPDEV),script=no,downscript=no $(NIC_DEVICE)
NET_none =

# The disk make run attaches: vda on a raw image made (sparse, with truncate) on first run
# and kept between runs (drivers/virtio_blk.c has the QEMU command line explained).
DISK_IMG	?= $(BUILD)/disk.img
DISK_SIZE	?= 64M
DISK_ARGS = -drive if=none,id=d0,format=raw,file=$(DISK_IMG) \
	-device virtio-blk-pci,drive=d0,serial=teachos-vda

$(DISK_IMG):
	@mkdir -p $(dir $@)
	@truncate -s $(DISK_SIZE) $@
	@echo "  DISK    $@ ($(DISK_SIZE) raw: vda; try 'blk' and 'blk check vda' at the prompt)"

run: $(KERNEL) $(DISK_IMG)
	@case "$(NET)" in \
	user) echo "Network: QEMU user networking; from the host: echo hi | nc -u -w1 127.0.0.1 $(NETPORT)";; \
	tap) [ "$$(id -u)" = 0 ] && [ -e /dev/net/tun ] || { echo "NET=tap needs root and /dev/net/tun"; exit 1; }; \
	     ip link show $(TAPDEV) >/dev/null 2>&1 || { ip tuntap add dev $(TAPDEV) mode tap && \
	     ip addr add 10.0.2.2/24 dev $(TAPDEV) && made=1; } && ip link set $(TAPDEV) up || exit 1; \
	     echo "Network: tap $(TAPDEV), host side 10.0.2.2/24; from the host: ping 10.0.2.15";; \
	none) ;; \
	*) echo "NET=$(NET): use user, tap or none"; exit 1;; \
	esac; \
	echo "Booting; the monitor prompt is on this terminal. 'poweroff' or Ctrl-a x quits."; \
	$(QEMU) $(QEMU_BASE) -serial mon:stdio $(NET_$(NET)) $(DISK_ARGS) -kernel $(KERNEL) -append "$(CMDLINE)"; \
		s=$$?; [ $$s -eq 33 ] || [ $$s -eq 0 ] || echo "QEMU exited with status $$s"; \
	[ -z "$$made" ] || ip link del $(TAPDEV)	# only a tap we made ourselves

run-iso: $(ISO)
	@$(QEMU) $(QEMU_BASE) -serial mon:stdio -cdrom $(ISO); \
		s=$$?; [ $$s -eq 33 ] || [ $$s -eq 0 ] || echo "QEMU exited with status $$s"

gdb: $(KERNEL)
	@echo "QEMU waits for gdb on :1234; the serial console goes to $(BUILD)/gdb-serial.log"
	@$(QEMU) $(QEMU_BASE) -serial file:$(BUILD)/gdb-serial.log -s -S -kernel $(KERNEL) \
		-append "$(CMDLINE)" & qemu=$$!; \
		gdb -q -ex 'target remote :1234' -ex 'break start_kernel' -ex continue $(KERNEL); \
		kill $$qemu 2>/dev/null; true

# The runner makes its own ISO (a test command line in grub.cfg) under
# $(BUILD)/test-iso and runs host-test itself.  TESTFLAGS: e.g. "--only ktest -v".
test: $(KERNEL)
	@$(PYTHON) tools/run-tests.py --build $(BUILD) --qemu $(QEMU) --accel $(QEMU_ACCEL) --mem $(MEM) $(TESTFLAGS)

$(BUILD)/exit-kernel.elf: bench/exit-kernel.S
	@mkdir -p $(BUILD)
	@$(CC) -m32 -c $< -o $(BUILD)/exit-kernel.o
	@$(LD) -m elf_i386 -Ttext=0x100000 --build-id=none -o $@ $(BUILD)/exit-kernel.o

bench: $(KERNEL) $(BUILD)/exit-kernel.elf
	@$(PYTHON) tools/bench.py --build $(BUILD) --qemu $(QEMU) --accel $(QEMU_ACCEL)

host-test:
	@$(MAKE) -s -C tests/host BUILD=$(abspath $(BUILD))/host

# Fuzz the network receive path (libFuzzer if clang has it): FUZZ_SECONDS=60.
fuzz:
	@$(MAKE) -s -C tests/host fuzz BUILD=$(abspath $(BUILD))/host

clean:
	rm -rf $(BUILD)

# Also forget the newlib cache (rebuilt on the next make).
distclean: clean
	rm -rf $(NEWLIB_CACHE)

-include $(KOBJS:.o=.d)
