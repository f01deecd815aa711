# SPDX-License-Identifier: MIT
"""tools/image_checks.py - the kernel image's layout, for docs/boot.md (kind=image).

tools/docgen.py calls doc_transcript(opts, args) for a block
`<!-- docgen kind=image -->`: the boundaries of the image's sections and a few
boot symbols, virtual and physical, from `nm` on BUILD/kernel.elf, then its
LOAD segments from `readelf -l`: the kernel's three, then the tests module's
(include/kernel/ktests.h), which the loader never loads from this file.  These
move as the code grows, so the page that explains them shows them generated
rather than copied.  Only page-aligned
boundaries are shown (no _etext, _edata, no segment sizes): they move when a
section crosses a page, not with every instruction added, so `make test` asks
for `make docs` only when the picture really changed.
"""

import re
import subprocess

KERNEL_VMA = 0xffffffff80000000     # include/arch/boot.h

# (symbol, what it marks); linker.ld and boot/boot.S define them.
SYMBOLS = [
    ("_text", "start of .text: the multiboot header (header_addr, load_addr)"),
    ("_start32", "the 32-bit entry point (entry_addr)"),
    ("_rodata", "start of .rodata, then .ksyms (the symbol table): the 2nd LOAD"),
    ("_data", "start of .data, .boot.bss, .bss: the 3rd LOAD (the file holds .data only)"),
    ("boot_pml4", "start of .boot.bss, zeroed by the loader: boot.S's PML4 (CR3 at first)"),
    ("boot_stack_top", "top of the boot stack (16 KiB, a guard page below)"),
    ("_bss", "end of .boot.bss (bss_end_addr), start of .bss: cleared by clear_bss()"),
    ("_noinit", "end of .bss, start of .noinit: reserved, not zeroed"),
    ("_kernel_end", "end of the image (the end of .noinit); free RAM above"),
    ("_ktests_start", "the tests module's .ktests.text, at 16 MiB: only with ktests.bin"),
    ("_ktests_data", "its .ktests.data, then .ktests.bss: the module's last LOAD"),
    ("_ktests_end", "end of the tests module (of its .bss)"),
]


def doc_transcript(opts, args):
    """The symbol table and the LOAD segments of opts.kernel, as text."""
    nm = subprocess.run(["nm", opts.kernel], check=True, stdout=subprocess.PIPE,
                        universal_newlines=True).stdout
    addr = {}
    for line in nm.splitlines():
        parts = line.split()
        if len(parts) == 3:
            addr[parts[2]] = int(parts[0], 16)
    out = ["%-15s %-19s %-9s %s" % ("symbol", "virtual", "physical", "what it marks")]
    for name, what in SYMBOLS:
        if name not in addr:
            raise ValueError("no symbol %s in %s" % (name, opts.kernel))
        out.append("%-15s %#-19x %#-9x %s" % (name, addr[name], addr[name] - KERNEL_VMA, what))
    out.append("")
    seg = subprocess.run(["readelf", "-lW", opts.kernel], check=True, stdout=subprocess.PIPE,
                         universal_newlines=True).stdout
    for line in seg.splitlines():
        m = re.match(r"\s*LOAD\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(.*?)\s+0x1000$", line)
        if m:
            off, virt, phys, _, _, flags = m.groups()
            out.append("LOAD  off %#08x  virt %s  phys %#x  %s" % (int(off, 16), virt,
                                                                 int(phys, 16), flags))
    return "\n".join(out) + "\n"
