# SPDX-License-Identifier: MIT
"""labs/net/checks.py - the net lab's host check (tools/grade.py calls it)."""


def host_datagrams_are_echoed(lab):
    """tools/net_checks.py's step "net" against the lab's kernel: a guest with make run's
    virtio-net NIC (and a second, legacy one) on QEMU's user network; a Python socket on
    the host sends datagrams of 0 to 1472 bytes, then a burst of 3000 (1000 on eth1), to
    the forwarded port, and the echo service on port 7 must send each one back exactly:
    the guest resolves the host's gateway with ARP before its first reply, and every
    datagram goes through udp_rcv and udp_queue_rcv.  Memory must be back at baseline
    after the burst."""
    passed, failed, failures = lab.step("net")
    if not failed and not passed:
        return ["the host step ran no check"]
    return ["host: %s" % f for f in failures[:8]]
