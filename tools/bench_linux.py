# SPDX-License-Identifier: MIT
"""tools/bench_linux.py - a Linux guest beside teachos in `make bench` (tools/bench_tcp.py).

Issue 13 asks for the TCP and HTTP figures "compared with a Linux guest where
one is available in the same run".  This module makes that guest from
Debian's own packages, never installed on the host:

  fetch(build)        apt-get download the kernel that Debian's metapackage
                      linux-image-cloud-amd64 names (virtio as modules) and
                      busybox-static into BUILD/linux-guest/debs, dpkg-deb -x
                      them into BUILD/linux-guest/root; kept for the next run.
                      Not possible (no apt, no network, no package): one line
                      says why and which command would do it, and the bench
                      goes on with teachos alone
  build_httpd()       gcc -static tools/bench_linux_httpd.c: the guest's HTTP
                      server (keep-alive, the disk and /proc/meminfo read at
                      each request, as teachos's net/http.c does them, one
                      connection at a time; busybox's httpd closes every
                      connection, forks for each, and serves neither a block
                      device nor a /proc file)
  build_initramfs()   a gzip'd cpio archive (newc, written here: no cpio tool
                      and no root needed for /dev/console) holding busybox,
                      the server, the virtio modules with their dependencies
                      in load order, and INIT below
  measure()           boots it on the same QEMU as teachos's guest (same
                      -accel and -m, virtio-net-pci on the user network with
                      the same host forwards, a 64 MiB disk of the same bytes)
                      and runs tools/bench_tcp.py's own measurements against it
  report()            each figure beside teachos's, the faster one named

  host (the same client code for both)          QEMU, -accel as make bench's
  +-----------------------------------+        +-------------------------------------+
  | curl, http.client, a TCP socket   | hostfwd| user network (slirp) 10.0.2.0/24    |
  | 127.0.0.1:web  127.0.0.1:echo     |------->| virtio-net-pci -> guest 10.0.2.15   |
  +-----------------------------------+        |   :80 HTTP  :7 echo  + virtio-blk   |
                                               |   teachos (kernel.elf)  or          |
                                               |   Linux 6.1 + busybox + the server  |
                                               +-------------------------------------+

The Linux guest's echo service on port 7 is busybox's `nc -ll -p 7 -e cat`
(a process per connection: the round trip is timed within one).

make test's step linux-guest (step_initramfs) checks the builder on a made-up
package tree and the server on the host's loopback: no download needed.
"""

import gzip
import http.client
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import time
from types import SimpleNamespace

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchfmt  # noqa: E402
import disk_checks  # noqa: E402
import net_checks  # noqa: E402
import qemu  # noqa: E402

CACHE = "linux-guest"                 # BUILD/CACHE: the bench's own folder
META = "linux-image-cloud-amd64"      # Debian's metapackage: it names the current kernel
WANT_MODULES = ("virtio_pci", "virtio_net", "virtio_blk")
READY = b"linux-guest: ready"         # the network up, the echo and the HTTP server started
GUEST_MEM = "128M"                    # as teachos's guest in tools/bench_tcp.py
HTTPD = "bench_linux_httpd"           # tools/bench_linux_httpd.c, built static
HTTPD_SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), HTTPD + ".c")

# The guest's /init (busybox sh).  @MODULES@ becomes the load order.
INIT = """#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in @MODULES@; do insmod /lib/modules/$m.ko || echo "linux-guest: insmod $m failed"; done
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
nc -ll -p 7 -e cat &
bench_linux_httpd 80 /disk/vda=/dev/vda /proc/meminfo=/proc/meminfo &
for port in 7 80; do
	until netstat -ltn | grep -q ":$port "; do usleep 10000; done
done
echo "linux-guest: ready"
while :; do sleep 3600; done
"""


class Unavailable(Exception):
    """No Linux guest: str() says why and what would make one."""


# ------------------------------------------------------------- packages --

def run_quiet(cmd, cwd=None, timeout=300):
    """Run @cmd; (status, its output as text).  Status 127 if the program is not here."""
    try:
        r = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout)
    except FileNotFoundError:
        return 127, "%s: not found" % cmd[0]
    except subprocess.TimeoutExpired:
        return 124, "%s: timed out after %d s" % (" ".join(cmd), timeout)
    return r.returncode, r.stdout.decode("utf-8", "replace")


def kernel_package():
    """The kernel package Debian's metapackage depends on (linux-image-6.1.0-N-cloud-amd64)."""
    status, out = run_quiet(["apt-cache", "depends", META])
    m = re.search(r"Depends: (linux-image-\S+)", out)
    if status or not m:
        raise Unavailable("apt-cache knows no %s (%s); run: apt-get update"
                          % (META, out.strip().splitlines()[-1] if out.strip() else status))
    return m.group(1)


def find_guest(root):
    """(vmlinuz, modules folder, busybox, release) in an unpacked tree @root, or None."""
    boot = os.path.join(root, "boot")
    kernels = sorted(f for f in os.listdir(boot) if f.startswith("vmlinuz-")) \
        if os.path.isdir(boot) else []
    busybox = os.path.join(root, "bin", "busybox")
    if not kernels or not os.path.exists(busybox):
        return None
    release = kernels[-1][len("vmlinuz-"):]
    modules = os.path.join(root, "lib", "modules", release)
    if not os.path.isdir(modules):
        return None
    return os.path.join(boot, kernels[-1]), modules, busybox, release


def fetch(build):
    """The unpacked guest under @build/CACHE, downloading it once; raises Unavailable."""
    top = os.path.join(build, CACHE)
    root = os.path.join(top, "root")
    have = find_guest(root)
    if have:
        return have
    for tool in ("apt-get", "apt-cache", "dpkg-deb"):
        if not shutil.which(tool):
            raise Unavailable("no %s here (a Debian host has it)" % tool)
    pkg = kernel_package()
    debs = os.path.join(top, "debs")
    os.makedirs(debs, exist_ok=True)
    # The sandbox user _apt cannot write into build/: download as ourselves.
    cmd = ["apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", pkg, "busybox-static"]
    if os.geteuid() != 0:
        cmd = cmd[:3] + cmd[5:]
    status, out = run_quiet(cmd, cwd=debs)
    if status:
        raise Unavailable("`%s` failed: %s; run it by hand in %s (after apt-get update)"
                          % (" ".join(cmd), out.strip().splitlines()[-1] if out.strip()
                             else status, debs))
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    for deb in sorted(os.listdir(debs)):
        if deb.endswith(".deb"):
            status, out = run_quiet(["dpkg-deb", "-x", os.path.join(debs, deb), root])
            if status:
                raise Unavailable("dpkg-deb -x %s: %s" % (deb, out.strip()))
    have = find_guest(root)
    if not have:
        raise Unavailable("the packages in %s hold no vmlinuz-*, modules and busybox" % debs)
    return have


def debs_size(build):
    """Bytes of the downloaded packages."""
    debs = os.path.join(build, CACHE, "debs")
    return sum(os.path.getsize(os.path.join(debs, f)) for f in os.listdir(debs)
               if f.endswith(".deb")) if os.path.isdir(debs) else 0


def package_version(build):
    """The kernel package and its version, from the downloaded file's name (NAME_VERSION_ARCH.deb:
    "linux-image-6.1.0-57-cloud-amd64 6.1.192-3")."""
    debs = os.path.join(build, CACHE, "debs")
    names = sorted(f for f in os.listdir(debs) if f.startswith("linux-image-")) \
        if os.path.isdir(debs) else []
    return " ".join(names[-1].split("_")[:2]).replace("%3a", ":") if names else "?"


# -------------------------------------------------------------- modules --

MODINFO_DEPENDS = re.compile(rb"(?:^|\0)depends=([^\0]*)\0")


def module_index(modules):
    """name -> path of every .ko under @modules (names with '_' as the kernel spells them)."""
    index = {}
    for dirpath, _, files in os.walk(modules):
        for f in files:
            if f.endswith(".ko"):
                index[f[:-3].replace("-", "_")] = os.path.join(dirpath, f)
    return index


def builtin(modules):
    """Names of the modules built into the kernel (its modules.builtin)."""
    try:
        with open(os.path.join(modules, "modules.builtin")) as f:
            return {os.path.basename(line.strip())[:-3].replace("-", "_") for line in f
                    if line.strip().endswith(".ko")}
    except OSError:
        return set()


def module_depends(path):
    """The modules @path needs first, from its .modinfo's depends= string."""
    with open(path, "rb") as f:
        m = MODINFO_DEPENDS.search(f.read())
    return [d.replace("-", "_") for d in m.group(1).decode().split(",") if d] if m else []


def load_order(index, wanted):
    """@wanted and every module they depend on, each after its dependencies.
    A name not in @index is built into the kernel (modules.builtin): left out."""
    order, seen = [], set()

    def visit(name, path):
        if name in seen:
            return
        if name in path:
            raise ValueError("modules depend on each other in a loop: %s" % " -> ".join(path))
        if name not in index:
            seen.add(name)
            return
        for dep in module_depends(index[name]):
            visit(dep, path + [name])
        seen.add(name)
        order.append(name)

    for name in wanted:
        visit(name, [])
    return order


# ------------------------------------------------------------ initramfs --

def cpio_entry(name, mode, data=b"", ino=1, rdev=(0, 0)):
    """One newc ("070701") entry: the header, the name and the data, each padded to 4 bytes."""
    name_b = name.encode() + b"\0"
    fields = (ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_b), 0)
    head = b"070701" + b"".join(b"%08X" % v for v in fields)
    pad = lambda n: b"\0" * (-n % 4)     # noqa: E731
    return head + name_b + pad(len(head) + len(name_b)) + data + pad(len(data))


def cpio_archive(entries):
    """newc bytes of @entries ((name, mode, data, rdev) tuples), with the trailer."""
    out = [cpio_entry(name, mode, data, ino, rdev)
           for ino, (name, mode, data, rdev) in enumerate(entries, 1)]
    out.append(cpio_entry("TRAILER!!!", 0, ino=0))
    return b"".join(out)


def initramfs_entries(busybox, httpd, index, order):
    """What the initramfs holds: folders, /dev/console, busybox, the server, the modules,
    /init."""
    entries = [(d, 0o40755, b"", (0, 0))
               for d in ("bin", "dev", "proc", "sys", "lib", "lib/modules", "tmp")]
    entries.append(("dev/console", 0o20600, b"", (5, 1)))
    with open(busybox, "rb") as f:
        entries.append(("bin/busybox", 0o100755, f.read(), (0, 0)))
    entries.append(("bin/sh", 0o120777, b"busybox", (0, 0)))
    with open(httpd, "rb") as f:
        entries.append(("bin/" + HTTPD, 0o100755, f.read(), (0, 0)))
    for name in order:
        with open(index[name], "rb") as f:
            entries.append(("lib/modules/%s.ko" % name, 0o100644, f.read(), (0, 0)))
    init = INIT.replace("@MODULES@", " ".join(order))
    entries.append(("init", 0o100755, init.encode(), (0, 0)))
    return entries


def build_httpd(out):
    """gcc -static the guest's HTTP server into @out; raises Unavailable."""
    status, text = run_quiet(["gcc", "-static", "-O2", "-Wall", "-Werror", "-o", out,
                              HTTPD_SRC])
    if status:
        raise Unavailable("gcc -static %s failed (apt-get install libc6-dev): %s"
                          % (HTTPD_SRC, text.strip()[-300:]))


def build_initramfs(busybox, httpd, modules, out):
    """Write the gzip'd initramfs to @out; the module load order."""
    index = module_index(modules)
    order = load_order(index, WANT_MODULES)
    missing = [m for m in WANT_MODULES if m not in order and m not in builtin(modules)]
    if missing:
        raise Unavailable("the kernel package has no module %s" % ", ".join(missing))
    with gzip.open(out, "wb", compresslevel=6) as f:
        f.write(cpio_archive(initramfs_entries(busybox, httpd, index, order)))
    return order


# -------------------------------------------------------------- the bench --

def short_name(release):
    """"6.1.0-57-cloud-amd64" -> "Linux 6.1"."""
    m = re.match(r"(\d+)\.(\d+)", release)
    return "Linux %s.%s" % m.groups() if m else "Linux"


def boot_guest(args, logdir, guest, initrd, img, echo, web):
    """Start the Linux guest (QEMU as for teachos's); (Guest, seconds to READY or None)."""
    opts = SimpleNamespace(qemu=args.qemu, accel=args.accel, mem=GUEST_MEM, kernel=guest[0],
                           logdir=logdir)
    devices = (["-initrd", initrd]
               + net_checks.nic_args(0, "modern", net_checks.user_netdev(0, [], [(echo, 7),
                                                                                 (web, 80)]))
               + disk_checks.drive_args(0, img, readonly=True, serial="bench-linux"))
    start = time.monotonic()
    g = qemu.spawn(qemu.qemu_cmd(opts, devices, "console=ttyS0 quiet panic=-1", mem=GUEST_MEM),
                   os.path.join(logdir, "bench-linux.log"))
    if not g.wait_for(READY, 120):
        return g, None
    return g, time.monotonic() - start


def keeps_alive(port):
    """Does the server at @port keep a connection open after a response?"""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/proc/meminfo")
        r = conn.getresponse()
        r.read()
        return not r.will_close
    finally:
        conn.close()


def measure(args, logdir, runs):
    """The Linux guest's figures (a dict), or a str saying why there are none.  The guest
    is fetched into BUILD/linux-guest (BUILD: @logdir's parent), its initramfs built there."""
    import bench_tcp    # it imports this module: not at the top
    build = os.path.dirname(os.path.abspath(logdir))
    initrd = os.path.join(build, CACHE, "initrd.gz")
    try:
        fetched = not find_guest(os.path.join(build, CACHE, "root"))
        guest = fetch(build)
        httpd = os.path.join(build, CACHE, HTTPD)
        build_httpd(httpd)
        order = build_initramfs(guest[2], httpd, guest[1], initrd)
    except Unavailable as e:
        return str(e)
    img = os.path.join(logdir, "bench-linux.img")
    with open(img, "wb") as f:      # the bytes of bench_tcp's image: the same seed
        f.write(random.Random(5).randbytes(bench_tcp.IMAGE))
    echo, web = net_checks.free_udp_ports(2, socket.SOCK_STREAM)
    out = img + ".down"
    g, ready = boot_guest(args, logdir, guest, initrd, img, echo, web)
    fig = {"release": guest[3], "package": package_version(build), "modules": order,
           "size": debs_size(build), "fetched": fetched, "boot": ready,
           "cache": os.path.join(os.path.basename(build), CACHE)}
    try:
        if ready is None:
            return "the Linux guest did not say it was ready (%s)" % g.log_path
        bench_tcp.tcp_round_trip_us(("127.0.0.1", echo), 50)
        fig["rtt"] = bench_tcp.med([bench_tcp.tcp_round_trip_us(("127.0.0.1", echo),
                                                                bench_tcp.ROUND_TRIPS)
                                    for _ in range(runs)])
        fig["down"] = bench_tcp.med([bench_tcp.download_mb_s(web, out) for _ in range(runs)])
        fig["keep"] = (bench_tcp.med([bench_tcp.requests_per_s(web, True) for _ in range(runs)])
                       if keeps_alive(web) else "n/a (the server closed the connection)")
        fig["fresh"] = bench_tcp.med([bench_tcp.requests_per_s(web, False)
                                      for _ in range(runs)])
    finally:
        g.close(timeout=1, poweroff=False)
        for path in (img, out):
            if os.path.exists(path):
                os.unlink(path)
    return fig


def versus(what, ours, theirs, linux, unit, fmt="%.1f", lower_is_better=None):
    """"what: teachos A vs Linux 6.1 B unit: teachos 1.52x faster" (or why not): the convention
    of tools/benchfmt.py, whose unit decides which way is better (@lower_is_better, kept for
    callers, must agree with it)."""
    assert lower_is_better is None or lower_is_better == benchfmt.direction(unit)[0]
    return "    %-30s %s" % (what + ":", benchfmt.compare("teachos", ours, linux, theirs, unit,
                                                       "{:%s}" % fmt[1:]))


def report(teachos, fig):
    """Print the Linux guest's figures beside teachos's (dicts of the same keys)."""
    if isinstance(fig, str):
        print("  no Linux guest to compare with (the figures above stand beside UDP's): %s"
              % fig)
        return
    linux = short_name(fig["release"])
    print("  beside a Linux guest in the same run: Debian's %s (%.1f MB of packages, %s %s),"
          % (fig["package"], fig["size"] / 1e6, "downloaded now into" if fig["fetched"]
             else "kept in", fig["cache"]))
    print("  %s (tools/%s.c) and busybox nc -e cat; the same QEMU, -m, NIC, user network "
          "and disk bytes:" % (HTTPD, HTTPD))
    print(versus("boot to services up (wall)", teachos.get("boot"), fig["boot"], linux, "s",
                 "%.2f", lower_is_better=True))
    print(versus("TCP echo round trip, 64 B", teachos.get("rtt"), fig.get("rtt"), linux, "us",
                 lower_is_better=True))
    print(versus("curl GET /disk/vda (64 MiB)", teachos.get("down"), fig.get("down"), linux,
                 "MB/s"))
    print(versus("GET /proc/meminfo keep-alive", teachos.get("keep"), fig.get("keep"), linux,
                 "requests/s", "%.0f"))
    print(versus("GET /proc/meminfo, new conn.", teachos.get("fresh"), fig.get("fresh"), linux,
                 "requests/s", "%.0f"))
    print("  (Linux keeps the disk in its page cache after the first read; teachos reads it "
          "through bio chains every time)")


def print_samples():
    """report()'s lines from canned figures (make test: tools/benchfmt.py)."""
    report(dict(boot=0.9, rtt=121.0, down=16.9, keep=893.0, fresh=302.0),
           dict(package="linux-image-6.1.0-cloud-amd64", size=30e6, fetched=False,
                cache="~/.cache", release="6.1.0-28-cloud-amd64", boot=5.3, rtt=189.0,
                down=21.0, keep="n/a (the server closed the connection)", fresh=229.0))


def run(args, logdir, teachos, runs=3):
    """tools/bench_tcp.py's hook: measure the Linux guest, print it beside @teachos."""
    start = time.monotonic()
    fig = measure(args, logdir, runs)
    report(teachos, fig)
    if isinstance(fig, dict):
        print("  (the Linux guest took %.0f s of the bench)" % (time.monotonic() - start))


# ---------------------------------------------------- make test's check --

FAKE_MODULES = {    # name: depends (a made-up tree shaped like Debian's 6.1 cloud kernel's)
    "virtio": "", "virtio_ring": "", "virtio_pci_modern_dev": "",
    "virtio_pci": "virtio_pci_modern_dev,virtio,virtio_ring", "failover": "",
    "net_failover": "failover", "virtio_net": "net_failover,virtio,virtio_ring",
    "virtio_balloon": "virtio,virtio_ring",
    "virtio-rng": "virtio,virtio_ring",
}


def fake_tree(top):
    """A made-up unpacked package under @top: busybox and FAKE_MODULES as .ko files whose
    .modinfo strings say what they depend on; virtio_blk built in (modules.builtin).
    (busybox, modules)."""
    modules = os.path.join(top, "lib", "modules", "6.1.0-0-fake")
    os.makedirs(os.path.join(modules, "kernel", "drivers"))
    os.makedirs(os.path.join(top, "bin"))
    busybox = os.path.join(top, "bin", "busybox")
    with open(busybox, "wb") as f:
        f.write(b"\x7fELF fake busybox" + bytes(range(256)) * 9)
    for name, deps in FAKE_MODULES.items():
        with open(os.path.join(modules, "kernel", "drivers", name + ".ko"), "wb") as f:
            f.write(b"\x7fELF" + name.encode() * 7 + b"\0license=GPL\0depends=%s\0name=%s\0"
                    % (deps.encode(), name.encode()) + bytes(3 + len(name)))
    with open(os.path.join(modules, "modules.builtin"), "w") as f:
        f.write("kernel/drivers/block/virtio_blk.ko\n")
    return busybox, modules


def cpio_listing(archive, verbose=False):
    """`cpio -it` (-itv if @verbose) of the gzip'd @archive: its lines, or None without a cpio."""
    with gzip.open(archive, "rb") as f:
        data = f.read()
    try:
        r = subprocess.run(["cpio", "-itv" if verbose else "-it", "--quiet"], input=data,
                           stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    except FileNotFoundError:
        return None
    return r.stdout.decode("utf-8", "replace").splitlines()


def check_load_order(tally, modules):
    index = module_index(modules)
    order = load_order(index, WANT_MODULES)
    deps_first = all(d not in index or d in order[:order.index(m)]
                     for m in order for d in module_depends(index[m]))
    tally.check(set(order) == {"virtio", "virtio_ring", "virtio_pci_modern_dev", "virtio_pci",
                               "failover", "net_failover", "virtio_net"}
                and len(order) == len(set(order)) and deps_first,
                "initramfs: the wanted modules and their dependencies, each once, each after "
                "what it depends on (read from .modinfo), nothing else; virtio_blk is built in",
                ["order: %s" % order])
    tally.check("virtio_rng" in index, "initramfs: virtio-rng.ko is indexed as virtio_rng")
    loop = {"p": os.path.join(modules, "..", "p.ko"), "q": os.path.join(modules, "..", "q.ko")}
    for a, b in (("p", "q"), ("q", "p")):
        with open(loop[a], "wb") as f:
            f.write(b"\0depends=%s\0" % b.encode())
    try:
        load_order(loop, ["p"])
        looped = None
    except ValueError as e:
        looped = str(e)
    tally.check(looped and "p -> q" in looped, "initramfs: a dependency loop is refused",
                [str(looped)])
    os.rename(os.path.join(modules, "modules.builtin"), os.path.join(modules, "..", "b"))
    try:
        build_initramfs(os.devnull, os.devnull, modules, os.devnull)
        missing = None
    except Unavailable as e:
        missing = str(e)
    finally:
        os.rename(os.path.join(modules, "..", "b"), os.path.join(modules, "modules.builtin"))
    tally.check(missing == "the kernel package has no module virtio_blk",
                "initramfs: a wanted module neither in the package nor built in is named",
                [str(missing)])


def check_archive(tally, top, busybox, httpd, modules):
    out = os.path.join(top, "initrd.gz")
    order = build_initramfs(busybox, httpd, modules, out)
    names, listing = cpio_listing(out), cpio_listing(out, verbose=True)
    if names is None:
        tally.fail("initramfs: no cpio here to read the archive back (apt-get install cpio)")
        return
    want = ["init", "bin/busybox", "bin/sh", "bin/" + HTTPD, "dev/console"] + \
        ["lib/modules/%s.ko" % m for m in order]
    # ls -l's columns: mode, links, owner, group, size (or major, minor), date, name
    special = [(f[0], f[4:6], f[-1]) if f[0][0] == "c" else (f[0], f[-3:]) for f in
               (line.split() for line in listing) if "dev/console" in f or "bin/sh" in f]
    tally.check(set(want) <= set(names) and len(names) == len(want) + 7
                and special == [("crw-------", ["5,", "1"], "dev/console"),
                                ("lrwxrwxrwx", ["bin/sh", "->", "busybox"])],
                "initramfs: cpio -it reads back init, busybox, sh -> busybox, the server, "
                "/dev/console (c 5,1), each module and 7 folders, nothing else", listing)
    dest = os.path.join(top, "x")
    os.makedirs(dest)
    with gzip.open(out, "rb") as f:
        r = subprocess.run(["cpio", "-id", "--quiet", "--no-absolute-filenames", "-f",
                            "dev/console"], input=f.read(), cwd=dest, stderr=subprocess.PIPE)
    same = r.returncode == 0
    for src, name in [(busybox, "bin/busybox"), (httpd, "bin/" + HTTPD)] + [
            (module_index(modules)[m], "lib/modules/%s.ko" % m) for m in order]:
        got = os.path.join(dest, name)
        with open(src, "rb") as a:
            same = same and os.path.isfile(got) and a.read() == open(got, "rb").read()
    tally.check(same, "initramfs: cpio -i gives back busybox, the server and every module "
                "byte for byte",
                [r.stderr.decode("utf-8", "replace")])
    init = os.path.join(dest, "init")
    with open(init) as f:
        text = f.read()
    syntax = subprocess.run(["sh", "-n", init], stderr=subprocess.PIPE)
    tally.check(os.access(init, os.X_OK) and syntax.returncode == 0
                and "for m in %s;" % " ".join(order) in text
                and all(s in text for s in ("10.0.2.15/24", HTTPD + " 80 /disk/vda=/dev/vda",
                                            "nc -ll -p 7", READY.decode()))
                and text.index("netstat -ltn") < text.index(READY.decode()),
                "initramfs: /init is executable, parses (sh -n), loads the modules in order, "
                "sets 10.0.2.15, starts the server and the echo, says ready once they listen",
                [syntax.stderr.decode("utf-8", "replace")] + text.splitlines()[:8])


def raw_exchange(port, data, timeout=5.0):
    """Send @data on a new connection to the server, half-close; all it answered."""
    got = b""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return got
            got += chunk
    except OSError as e:        # a reset: what came before it, and the error
        return got + b"\n(%s)" % str(e).encode()
    finally:
        s.close()


def check_httpd(tally, top, httpd):
    """The guest's server, run on the host's loopback over a file and /proc/meminfo."""
    disk = os.path.join(top, "disk.img")
    body = random.Random(13).randbytes((1 << 20) + 517)
    with open(disk, "wb") as f:
        f.write(body)
    (port,) = net_checks.free_udp_ports(1, socket.SOCK_STREAM)
    server = subprocess.Popen([httpd, "127.0.0.1:%d" % port, "/disk/vda=" + disk,
                               "/proc/meminfo=/proc/meminfo", "/none=" + disk + ".absent"],
                              stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(50):     # until it listens
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        http_checks_on(tally, port, body)
    finally:
        server.kill()
        server.wait()


def http_checks_on(tally, port, body):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    got = []
    for path in ("/disk/vda", "/proc/meminfo", "/disk/vda"):
        conn.request("GET", path)
        r = conn.getresponse()
        got.append((r.status, r.getheader("Content-Length"), r.read(), r.will_close))
    first_sock = conn.sock
    conn.request("HEAD", "/disk/vda")
    r = conn.getresponse()
    head = (r.status, r.getheader("Content-Length"), r.read(), r.will_close)
    tally.check(got[0] == (200, str(len(body)), body, False) and got[2] == got[0]
                and got[1][0] == 200 and got[1][2].startswith(b"MemTotal:")
                and got[1][1] == str(len(got[1][2])) and conn.sock is first_sock
                and head == (200, str(len(body)), b"", False),
                "bench_linux_httpd: GET of a file (sendfile) and of /proc/meminfo (read whole, "
                "its length first) and HEAD, all on one kept-alive connection",
                [repr((g[0], g[1], len(g[2]), g[3])) for g in got] + [repr(head)])
    conn.close()
    answers = [raw_exchange(port, req) for req in (
        b"GET /nosuch HTTP/1.1\r\n\r\n", b"GET /none HTTP/1.1\r\n\r\n",
        b"POST /disk/vda HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
        b"GET /proc/meminfo HTTP/1.0\r\n\r\n",
        b"GET /proc/meminfo HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n",
        b"GET /proc/meminfo HTTP/1.1\r\nX: " + b"a" * 9000 + b"\r\n\r\n",
        b"GET /proc/meminfo HTTP/1.1\r\n\r\nGET /nosuch HTTP/1.1\r\n\r\n",
        b"garbage\r\n\r\n")]
    firsts = [a.split(b"\r\n")[0] for a in answers]
    tally.check(firsts == [b"HTTP/1.1 404 Not Found"] * 2 + [b"HTTP/1.1 405 Method Not Allowed"]
                + [b"HTTP/1.1 200 OK"] * 2
                + [b"HTTP/1.1 431 Request Header Fields Too Large", b"HTTP/1.1 200 OK",
                   b"HTTP/1.1 400 Bad Request"]
                and all(b"Connection: close" in answers[i] for i in (2, 3, 4, 5, 7))
                and answers[6].count(b"HTTP/1.1 ") == 2 and answers[6].endswith(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
                    b"Connection: keep-alive\r\n\r\n"),
                "bench_linux_httpd: 404 (unknown URL, missing file), 405 and closed, HTTP/1.0 "
                "and Connection: close closed, a 9 KB head 431, two pipelined requests both "
                "answered, garbage 400", [repr(a[:120]) for a in answers])


def check_unavailable(tally, top):
    """No apt here: one line saying why, no exception, the bench goes on."""
    import contextlib
    import io
    path = os.environ.get("PATH", "")
    os.environ["PATH"] = os.path.join(top, "empty")
    try:
        logdir = os.path.join(top, "nobuild", "bench-logs")
        os.makedirs(logdir)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            run(SimpleNamespace(qemu="qemu", accel="tcg"), logdir, {}, 1)
    finally:
        os.environ["PATH"] = path
    lines = printed.getvalue().splitlines()
    tally.check(len(lines) == 1 and "no Linux guest" in lines[0] and "apt-get" in lines[0],
                "linux guest: without apt the bench says why in one line and goes on", lines)


def step_initramfs(opts, tally):
    """make test's check of the Linux guest's initramfs builder, on a made-up package tree
    (no download): the module order, the archive read back by cpio, /init; its HTTP server on
    the host's loopback; no apt."""
    import tempfile
    print("\n== make bench's Linux guest (tools/bench_linux.py): its initramfs and its HTTP "
          "server, no download", flush=True)
    with tempfile.TemporaryDirectory(dir=opts.logdir) as top:
        busybox, modules = fake_tree(top)
        httpd = os.path.join(top, HTTPD)
        try:
            build_httpd(httpd)
        except Unavailable as e:
            tally.fail("the server builds with gcc -static", [str(e)])
            return
        check_load_order(tally, modules)
        check_archive(tally, top, busybox, httpd, modules)
        check_httpd(tally, top, httpd)
        check_unavailable(tally, top)


def main():
    """Standalone: python3 tools/bench_linux.py --build build [--self-test]."""
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--accel", default="tcg")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--self-test", action="store_true", help="make test's check alone")
    args = ap.parse_args()
    logdir = os.path.join(args.build, "bench-logs")
    os.makedirs(logdir, exist_ok=True)
    if args.self_test:
        tally = qemu.Tally()
        step_initramfs(SimpleNamespace(logdir=logdir), tally)
        return tally.summary()
    run(args, logdir, {}, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
