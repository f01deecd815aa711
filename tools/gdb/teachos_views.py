# SPDX-License-Identifier: MIT
"""tools/gdb/teachos_views.py - what the teachos gdb helpers print: kernel structures read
through gdb's Python API and laid out for a student.

tools/gdb/teachos.py (the commands and pretty-printers) imports this.  Each
*_lines() function returns the lines one command prints; the readers below
them follow the kernel's own structures by name through the debug info
(include/net/skbuff.h, include/block/bio.h and blkdev.h, mm/slab_internal.h,
include/mm/mmzone.h, include/kernel/sched.h), so a field that moves needs no change
here, and one that is renamed fails loudly.  Flag names come from the
headers (include/mm/gfp.h, include/block/bio.h) and the DWARF enums.
"""
import os
import re

import gdb

TREE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# ------------------------------------------------------------------ reading --


def ulong(v):
    """A pointer or integer gdb.Value as a Python int (pointers as unsigned)."""
    return int(v.cast(gdb.lookup_type("unsigned long")))


def deref(v, what, tag):
    """@v as a struct @tag: a pointer to one is followed, a number is taken as its address
    (copied from other output); NULL, optimized-out values and other types are refused."""
    if v.is_optimized_out:
        raise gdb.GdbError("%s is <optimized out> here (try a DEBUG=1 build)" % what)
    want = gdb.lookup_type("struct " + tag)
    t = v.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_INT:
        v, t = v.cast(want.pointer()), want.pointer()
    if t.code == gdb.TYPE_CODE_PTR:
        if t.target().strip_typedefs().tag not in (tag, None):
            raise gdb.GdbError("%s is a %s, not a struct %s *" % (what, v.type, tag))
        if ulong(v) == 0:
            raise gdb.GdbError("%s is NULL" % what)
        return v.cast(want.pointer()).dereference()
    if t.code != gdb.TYPE_CODE_STRUCT or t.tag != tag:
        raise gdb.GdbError("%s is a %s, not a struct %s" % (what, v.type, tag))
    return v


def eval_arg(arg, what):
    """The value of the command argument @arg, named @what in errors."""
    if not arg.strip():
        raise gdb.GdbError("which %s? give an expression, e.g. a variable" % what)
    try:
        return gdb.parse_and_eval(arg)
    except gdb.error as e:
        raise gdb.GdbError(str(e))


def cstr(v):
    """A char array or char * as a Python string."""
    try:
        return v.string(errors="replace")
    except gdb.error:
        return "?"


def sym(addr):
    """The function at code address @addr, or its hex."""
    try:
        block = gdb.block_for_pc(addr)
    except RuntimeError:
        block = None
    while block is not None and block.function is None:
        block = block.superblock
    if block is not None:
        return block.function.name
    # Assembly (switch.S, entry.S) has no blocks, only ELF symbols: "name + off in section".
    info = gdb.execute("info symbol 0x%x" % addr, to_string=True)
    if not info.startswith("No symbol"):
        return info.split()[0]
    # Past the end of a function's ELF size (a call to a noreturn function ends it).
    m = re.search(r"starts at address 0x[0-9a-f]+ <([\w.]+)", gdb.execute("info line *0x%x" % addr,
                                                                        to_string=True))
    return m.group(1) if m else "0x%x" % addr


def where(addr):
    """'function at file:line' for a return address (the call is just before it)."""
    line = gdb.find_pc_line(addr - 1)
    if line.symtab is None:
        return sym(addr - 1)
    return "%s at %s:%d" % (sym(addr - 1), line.symtab.filename, line.line)


def member_offset(t, member):
    """Byte offset of @member in struct type @t, looking into anonymous unions; or None."""
    for f in t.strip_typedefs().fields():
        if f.name == member:
            return f.bitpos // 8
        if f.name is None:
            inner = member_offset(f.type, member)
            if inner is not None:
                return f.bitpos // 8 + inner
    return None


def field_offset(type_name, member):
    off = member_offset(gdb.lookup_type(type_name), member)
    if off is None:
        raise gdb.GdbError("%s has no member %s" % (type_name, member))
    return off


def list_entries(head, type_name, member):
    """Each struct @type_name on the list_head @head, linked through @member."""
    ptype = gdb.lookup_type(type_name).pointer()
    off = field_offset(type_name, member)
    stop = ulong(head.address)
    node = head["next"]
    for _ in range(100000):
        if ulong(node) == stop:
            return
        yield gdb.Value(ulong(node) - off).cast(ptype).dereference()
        node = node["next"]


def read_bytes(addr, n):
    return bytes(gdb.selected_inferior().read_memory(addr, n)) if n > 0 else b""


def hexdump(data, indent="    "):
    """Rows of 16 bytes: hex, then the printable ones."""
    rows = []
    for i in range(0, len(data), 16):
        chunk = data[i:i + 16]
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        rows.append("%s+%-4d %-48s |%s|" % (indent, i, " ".join("%02x" % b for b in chunk), text))
    return rows

# ------------------------------------------------------------- flag names --


def header_defines(relpath, pattern):
    """{name: value} of the `#define NAME value` lines of @relpath whose name matches @pattern.

    Values are numbers or |-ed names defined before them, as include/mm/gfp.h writes them."""
    out = {}
    try:
        with open(os.path.join(TREE, relpath)) as f:
            lines = f.readlines()
    except OSError:
        return out
    for line in lines:
        m = re.match(r"#define\s+(%s)\s+([^/]*)" % pattern, line)
        if not m:
            continue
        total = 0
        for tok in m.group(2).replace("(", " ").replace(")", " ").split("|"):
            tok = tok.strip().rstrip("uUlL")
            if re.fullmatch(r"0x[0-9a-fA-F]+|\d+", tok):
                total |= int(tok, 0)
            elif tok in out:
                total |= out[tok]
            else:
                total = None
                break
        if total is not None:
            out[m.group(1)] = total
    return out


_gfp = None


def gfp_tables():
    """(composites, single flags) of include/mm/gfp.h, each a list of (name, value); first
    name wins."""
    global _gfp
    if _gfp is None:
        defs = header_defines("include/mm/gfp.h", r"_?_?GFP_\w+")
        single, comp, seen = [], [], set()
        for name, value in defs.items():
            if name.startswith("__") and value and not value & (value - 1) and value not in seen:
                single.append((name, value))
                seen.add(value)
            elif not name.startswith("__") and value:
                comp.append((name, value))
        # The widest first; among equals, the one the header defines first (GFP_ATOMIC).
        comp.sort(key=lambda nv: -bin(nv[1]).count("1"))
        _gfp = (comp, single)
    return _gfp


def gfp_names(mask):
    """GFP_KERNEL|__GFP_ZERO for 0x80d0: the widest composite, then the other bits."""
    mask = int(mask)
    if mask == 0:
        return "GFP_NOWAIT"
    comp, single = gfp_tables()
    names, left = [], mask
    for name, value in comp:
        if value & left == value:
            names.append(name)
            left &= ~value
            break
    for name, value in single:
        if left & value:
            names.append(name)
            left &= ~value
    if left:
        names.append("0x%x" % left)
    return "|".join(names)


def enum_bits(enum_name, prefix):
    """[(short name, bit)] of a DWARF enum of bit numbers: __REQ_WRITE=0 -> ('WRITE', 0)."""
    try:
        fields = gdb.lookup_type(enum_name).fields()
    except gdb.error:
        return []
    return [(f.name[len(prefix):], f.enumval) for f in fields if f.name.startswith(prefix)]


def rw_names(flags):
    """A bio's bi_rw or a request's cmd_flags: READ or WRITE, then the other REQ_ bits."""
    flags = int(flags)
    names = ["WRITE" if flags & 1 else "READ"]
    left = flags & ~1
    for name, bit in enum_bits("enum rq_flag_bits", "__REQ_"):
        if bit and left & (1 << bit):
            names.append(name)
            left &= ~(1 << bit)
    if left:
        names.append("0x%x" % left)
    return "|".join(names)


def bio_flag_names(flags):
    """bi_flags: the BIO_* bits of include/block/bio.h (the pool index bits left out)."""
    defs = header_defines("include/block/bio.h", r"BIO_(?:UPTODATE|SEG_VALID|CLONED|BOUNCED|QUIET)")
    names = [n[4:] for n, bit in sorted(defs.items(), key=lambda nv: nv[1])
             if int(flags) & (1 << bit)]
    return "|".join(names) or "0"


def enum_name(value, enum_type, prefix):
    """The enumerator of @enum_type equal to @value, without @prefix."""
    try:
        for f in gdb.lookup_type(enum_type).fields():
            if f.enumval == int(value):
                return f.name[len(prefix):] if f.name.startswith(prefix) else f.name
    except gdb.error:
        pass
    return str(int(value))

# ------------------------------------------------------------------- sk_buff --


SKB_HEADERS = ("mac_header", "network_header", "transport_header")
PKT_TYPES = ["HOST", "BROADCAST", "MULTICAST", "OTHERHOST", "OUTGOING"]
CSUM = ["NONE", "UNNECESSARY", "COMPLETE", "PARTIAL"]
FCLONE = ["UNAVAILABLE", "ORIG", "CLONE"]
ETH_P = {0x0800: "IPv4", 0x0806: "ARP", 0x86dd: "IPv6"}


def skb_offsets(skb):
    """(head address, data, tail, end offsets from head): tail and end already are
    offsets (sk_buff_data_t, as Linux 3.10 on 64-bit), data is a pointer."""
    head = ulong(skb["head"])
    return head, ulong(skb["data"]) - head, int(skb["tail"]), int(skb["end"])


def skb_summary(skb):
    head, data, tail, end = skb_offsets(skb)
    return ("sk_buff: len %d, headroom %d, tailroom %d, users %d"
            % (int(skb["len"]), data, end - tail, int(skb["users"])))


def skb_picture(data, tail, end):
    """One line drawing the buffer: | headroom | data | tailroom | shared info."""
    return "  |<- headroom %d ->|<- data %d ->|<- tailroom %d ->|<- skb_shared_info" % (
        data, tail - data, end - tail)


def shinfo_line(skb, shinfo):
    """dataref's low half (every sk_buff on the buffer); the high half (payload-only
    references, skb_header_release) only when there are some."""
    dataref = int(shinfo["dataref"]) & 0xffffffff
    line = "  shared info: dataref %d, nr_frags %d" % (dataref & 0xffff, int(shinfo["nr_frags"]))
    if dataref >> 16 or int(skb["nohdr"]):
        line += ", payload-only refs %d, nohdr %d" % (dataref >> 16, int(skb["nohdr"]))
    return line


def skb_lines(skb, dump=64):
    head, data, tail, end = skb_offsets(skb)
    proto = int(skb["protocol"])
    proto = ((proto & 0xff) << 8) | (proto >> 8)        # network byte order
    dev = skb["dev"]
    shinfo = gdb.Value(head + end).cast(gdb.lookup_type("struct skb_shared_info").pointer())
    lines = ["sk_buff 0x%x: len %d (data_len %d), users %d, truesize %d, dev %s, protocol 0x%04x%s"
             % (ulong(skb.address), int(skb["len"]), int(skb["data_len"]), int(skb["users"]),
                int(skb["truesize"]), cstr(dev["name"]) if ulong(dev) else "none", proto,
                " (%s)" % ETH_P[proto] if proto in ETH_P else ""),
             "  head 0x%x: data +%d, tail +%d, end +%d" % (head, data, tail, end),
             skb_picture(data, tail, end),
             shinfo_line(skb, shinfo)]
    unset = (1 << (8 * skb["mac_header"].type.sizeof)) - 1     # SKB_HEADER_UNSET: all ones
    hdrs = ["%s %s" % (h.split("_")[0], "unset" if int(skb[h]) == unset else "+%d" % int(skb[h]))
            for h in SKB_HEADERS]
    lines.append("  headers (offsets from head): " + ", ".join(hdrs))
    lines.append("  cloned %d, fclone %s, pkt_type %s, ip_summed %s, pfmemalloc %d, sk %s"
                 % (int(skb["cloned"]), FCLONE[int(skb["fclone"]) % 3],
                    PKT_TYPES[int(skb["pkt_type"])] if int(skb["pkt_type"]) < 5 else "?",
                    CSUM[int(skb["ip_summed"])], int(skb["pfmemalloc"]),
                    "0x%x" % ulong(skb["sk"]) if ulong(skb["sk"]) else "none"))
    if tail > data:
        n = min(tail - data, dump)
        lines.append("  data (%d of %d bytes):" % (n, tail - data))
        lines += hexdump(read_bytes(head + data, n))
    return lines

# ----------------------------------------------------------------- block I/O --


def bio_lines(bio, indent="  "):
    pool = bio["bi_pool"]
    vcnt, idx = int(bio["bi_vcnt"]), int(bio["bi_idx"])
    size = int(bio["bi_size"])
    lines = ["%sbio 0x%x: sector %d, %d bytes (%d sector%s), %s, vecs %d (idx %d, max %d), "
             "cnt %d" % (indent, ulong(bio.address), int(bio["bi_sector"]), size, size >> 9,
                         "" if size >> 9 == 1 else "s",
                         rw_names(bio["bi_rw"]), vcnt, idx, int(bio["bi_max_vecs"]),
                         int(bio["bi_cnt"])),
             "%s    flags %s, pool %s, end_io %s, disk %s"
             % (indent, bio_flag_names(bio["bi_flags"]),
                "bio-" + cstr(pool["name"]) if ulong(pool) else "none (bio_kmalloc)",
                sym(ulong(bio["bi_end_io"])) if ulong(bio["bi_end_io"]) else "none",
                bdev_name(bio["bi_bdev"]))]
    mem_map = ulong(gdb.parse_and_eval("mem_map"))
    page_size = gdb.lookup_type("struct page").sizeof
    for i in range(min(vcnt, 16)):
        vec = bio["bi_io_vec"][i]
        pfn = (ulong(vec["bv_page"]) - mem_map) // page_size
        lines.append("%s    vec %d: pfn 0x%x, offset %d, len %d%s" % (
            indent, i, pfn, int(vec["bv_offset"]), int(vec["bv_len"]),
            "" if i >= idx else " (done)"))
    if vcnt > 16:
        lines.append("%s    ... %d more vecs" % (indent, vcnt - 16))
    return lines


def bdev_name(bdev):
    if not ulong(bdev) or not ulong(bdev["bd_disk"]):
        return "none"
    return cstr(bdev["bd_disk"]["disk_name"])


def bio_chain_lines(bio, indent="  "):
    """Every bio from @bio along bi_next, and the total."""
    lines, count, total = [], 0, 0
    while count < 256:
        lines += bio_lines(bio, indent)
        count += 1
        total += int(bio["bi_size"])
        nxt = bio["bi_next"]
        if not ulong(nxt):
            break
        bio = nxt.dereference()
    lines.append("%schain: %d bio%s, %d bytes" % (indent, count, "" if count == 1 else "s", total))
    return lines


def rq_type_name(rq):
    """cmd_type without REQ_TYPE_, or "unset": blk_make_request leaves it to its caller."""
    if not int(rq["cmd_type"]):
        return "unset"
    return enum_name(rq["cmd_type"], "enum rq_cmd_type_bits", "REQ_TYPE_")


def rq_lines(rq):
    disk = rq["rq_disk"]
    lines = ["request 0x%x: %s, %s, sector %s, %d bytes left, disk %s"
             % (ulong(rq.address), rq_type_name(rq),
                rw_names(rq["cmd_flags"]), rq_sector(rq), int(rq["__data_len"]),
                cstr(disk["disk_name"]) if ulong(disk) else "none (not yet queued)"),
             "  segments %d, ref_count %d, errors %d, end_io %s"
             % (int(rq["nr_phys_segments"]), int(rq["ref_count"]), int(rq["errors"]),
                sym(ulong(rq["end_io"])) if ulong(rq["end_io"]) else "none")]
    if ulong(rq["bio"]):
        lines.append("  bios (rq->bio ... rq->biotail 0x%x):" % ulong(rq["biotail"]))
        lines += bio_chain_lines(rq["bio"].dereference(), "    ")
    else:
        lines.append("  no bios (a request without data, or all completed)")
    return lines

# ------------------------------------------------------------------ memory --


def percpu_copies(ptr):
    """Every CPU's copy of an alloc_percpu() pointer (mm/percpu.c): (cpu, value) for each
    possible CPU that has an area (offset 0: none, its copy would be the template)."""
    offsets = gdb.parse_and_eval("__per_cpu_offset")
    target = ptr.dereference().type.pointer()
    for cpu in range(int(gdb.parse_and_eval("nr_cpu_ids"))):
        off = ulong(offsets[cpu])
        if off:
            yield cpu, gdb.Value(ulong(ptr) + off).cast(target).dereference()


def slab_counts(s):
    """(active objects, total objects, slabs, partial slabs) as mm/slab_common.c's slab_count."""
    total = slabs = partial = free = 0
    for n in range(s["node"].type.range()[1] + 1):
        node = s["node"][n]
        total += int(node["total_objects"])
        slabs += int(node["nr_slabs"])
        partial += int(node["nr_partial"])
        for page in list_entries(node["partial"], "struct page", "lru"):
            free += int(page["objects"]) - int(page["inuse"])
    for _, cpu in percpu_copies(s["cpu_slab"]):
        if not ulong(cpu["page"]):
            continue
        # the cpu freelist, and what other CPUs freed into the slab (page->freelist)
        free += int(cpu["page"]["objects"]) - int(cpu["page"]["inuse"])
        obj, off = ulong(cpu["freelist"]), int(s["offset"])
        steps = 0
        while obj and steps < 4096:
            free += 1
            steps += 1
            obj = int.from_bytes(read_bytes(obj + off, 8), "little")
    return total - free - int(s["nr_quarantined"]), total, slabs, partial


def slab_caches():
    return list_entries(gdb.parse_and_eval("slab_caches"), "struct kmem_cache", "list")


SLAB_HEADER = "%-20s %7s %6s %5s %5s %15s %6s %7s" % (
    "name", "objsize", "slot", "/slab", "order", "active/objects", "slabs", "partial")


def slab_row(s):
    active, total, slabs, partial = slab_counts(s)
    return "%-20s %7d %6d %5d %5d %15s %6d %7d" % (
        cstr(s["name"]), int(s["object_size"]), int(s["size"]), int(s["objects"]),
        int(s["order"]), "%d/%d" % (active, total), slabs, partial)


def slab_detail(s):
    mem_map = ulong(gdb.parse_and_eval("mem_map"))
    page_size = gdb.lookup_type("struct page").sizeof
    lines = [SLAB_HEADER, slab_row(s),
             "  object %d bytes in a %d-byte slot (free pointer at +%d, align %d), "
             "%d per slab of %d page%s" % (
                 int(s["object_size"]), int(s["size"]), int(s["offset"]), int(s["align"]),
                 int(s["objects"]), 1 << int(s["order"]), "" if int(s["order"]) == 0 else "s"),
             "  flags 0x%x, allocflags %s, min_partial %d, quarantined %d" % (
                 int(s["flags"]), gfp_names(s["allocflags"]), int(s["min_partial"]),
                 int(s["nr_quarantined"]))]
    several = int(gdb.parse_and_eval("nr_cpu_ids")) > 1
    for n, cpu in percpu_copies(s["cpu_slab"]):
        if ulong(cpu["page"]):
            lines.append("  cpu slab: pfn 0x%x (frozen), %d slots%s" % (
                (ulong(cpu["page"]) - mem_map) // page_size, int(cpu["page"]["objects"]),
                " (CPU %d)" % n if several else ""))
    for n in range(s["node"].type.range()[1] + 1):
        for page in list_entries(s["node"][n]["partial"], "struct page", "lru"):
            lines.append("  node %d partial slab: pfn 0x%x, %d of %d in use" % (
                n, (ulong(page.address) - mem_map) // page_size, int(page["inuse"]),
                int(page["objects"])))
    return lines


def buddy_lines():
    nodes = gdb.parse_and_eval("node_data")
    orders = None
    lines = []
    for nid in range(nodes.type.range()[1] + 1):
        zones = nodes[nid]["node_zones"]
        for z in range(zones.type.range()[1] + 1):
            zone = zones[z]
            if not int(zone["managed_pages"]):
                continue
            areas = zone["free_area"]
            if orders is None:
                orders = areas.type.range()[1] + 1
                lines.append("free blocks per order (a block of order n is 2^n pages):")
                lines.append("%-15s" % "" + "".join("%6d" % o for o in range(orders))
                             + "   free pages (pcp)")
            counts = [int(areas[o]["nr_free"]) for o in range(orders)]
            pages = sum(c << o for o, c in enumerate(counts))
            check = "" if pages == int(zone["free_pages"]) else \
                "   (!= zone free_pages %d)" % int(zone["free_pages"])
            lines.append("node %d %-8s" % (nid, cstr(zone["name"]))
                         + "".join("%6d" % c for c in counts)
                         + "   %d (%d)%s" % (pages, sum(int(p["pcp"]["count"]) for _, p in
                                                      percpu_copies(zone["pageset"])), check))
    return lines

# ------------------------------------------------------------------ threads --


STATES = {0: "R", 1: "S", 2: "D", 64: "X"}


def tasks():
    return list_entries(gdb.parse_and_eval("all_tasks"), "struct task_struct", "tasks")


def saved_frames(t, limit=16):
    """Return addresses of a thread that is not running, innermost first.

    kernel/switch.S pushed rbp, rbx, r12-r15 below the return address into
    schedule(), then saved rsp in t->rsp: rbp at rsp+40, the return at rsp+48.
    From there, frame pointers: [rbp] the caller's rbp, [rbp+8] the return."""
    rsp = ulong(t["rsp"])
    lo, hi = ulong(t["stack_bottom"]), ulong(t["stack_top"])
    if not lo <= rsp < hi:
        return []
    words = read_bytes(rsp + 40, 16)
    rbp, ret = int.from_bytes(words[:8], "little"), int.from_bytes(words[8:], "little")
    out = [ret]
    while lo <= rbp < hi - 8 and len(out) < limit:
        words = read_bytes(rbp, 16)
        rbp, ret = int.from_bytes(words[:8], "little"), int.from_bytes(words[8:], "little")
        if not ret:
            break
        out.append(ret)
    return out


def task_where(t, current):
    if ulong(t.address) == current:
        return "running (the frame gdb shows)"
    frames = [sym(a - 1) for a in saved_frames(t, 5)]
    return " < ".join(frames) if frames else "?"


def kps_lines():
    current = ulong(gdb.parse_and_eval("current_task"))
    lines = ["  PID STATE NAME             WAITS IN (innermost first)"]
    for t in tasks():
        name = cstr(t["comm"])
        if ulong(t.address) == current:
            name += " *"
        if int(t["abandoned"]):
            name += " (abandoned)"
        lines.append("%5d %-5s %-16s %s" % (int(t["pid"]), STATES.get(int(t["state"]), "?"),
                                            name, task_where(t, current)))
    lines.append("(* current: the thread the CPU was running when gdb stopped it)")
    return lines


def rq_sector(rq):
    sector = int(rq["__sector"])
    return "-1 (unset)" if sector == (1 << 64) - 1 else str(sector)
