/*
 * SPDX-License-Identifier: MIT
 * net/netstat.c - what the stack counts, shown: `ifconfig` (addresses and
 * the `ip -s link` counters of each device) and `netstat` (the protocol
 * counters, as `netstat -s`, and every drop reason that happened).
 *
 *   > ifconfig lo 127.0.0.2/8       sets an address (tests, experiments), shows lo
 *   > ifconfig                      every device
 *   > ifconfig eth0                 one device
 *   > netstat
 */
#include <errno.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <net/arp.h>
#include <net/echo.h>
#include <net/ethernet.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/netdevice.h>
#include <net/socket.h>
#include <net/tcp.h>
#include <net/udp.h>
#include <stdio.h>
#include <string.h>

#include "net_internal.h"

/* "<UP,BROADCAST,LOWER_UP>" into @buf. */
static void format_flags(const struct net_device *dev, char *buf, size_t len)
{
	snprintf(buf, len, "<%s%s%s%s%s>", netif_running(dev) ? "UP" : "DOWN",
		 dev->flags & IFF_BROADCAST ? ",BROADCAST" : "",
		 dev->flags & IFF_LOOPBACK ? ",LOOPBACK" : "",
		 dev->flags & IFF_NOARP ? ",NOARP" : "", netif_carrier_ok(dev) ? ",LOWER_UP" : "");
}

/* One device, as `ip -s addr show` lays it out. */
static void show_dev(const struct net_device *dev)
{
	const struct net_device_stats *s = &dev->stats;
	char flags[48];

	format_flags(dev, flags, sizeof(flags));
	printk("%d: %s: %s mtu %u%s\n", dev->ifindex, dev->name, flags, dev->mtu,
	       netif_queue_stopped(dev) ? " (queue stopped)" : "");
	printk("    link/%s " MAC_FMT "\n", dev->type == ARPHRD_LOOPBACK ? "loopback" : "ether",
	       MAC_ARG(dev->dev_addr));
	if (dev->ip4.ifa_local)
		printk("    inet " IP4_FMT "/%u brd " IP4_FMT "\n", IP4_ARG(dev->ip4.ifa_local),
		       dev->ip4.ifa_prefixlen, IP4_ARG(dev->ip4.ifa_broadcast));
	printk("    RX:  bytes packets errors dropped  missed   mcast\n");
	printk("    %10lu %7lu %6lu %7lu %7lu %7lu\n", s->rx_bytes, s->rx_packets, s->rx_errors,
	       s->rx_dropped, s->rx_missed_errors, s->multicast);
	printk("    TX:  bytes packets errors dropped carrier collsns\n");
	printk("    %10lu %7lu %6lu %7lu %7lu %7lu\n", s->tx_bytes, s->tx_packets, s->tx_errors,
	       s->tx_dropped, s->tx_carrier_errors, s->collisions);
}

/*
 * `ifconfig <dev> <a.b.c.d/len>`: set an address ("/len" may be left out:
 * /24), then show the device as `ifconfig <dev>` does: the answer that it
 * was done, and what it is now.
 */
static int ifconfig_set(struct net_device *dev, const char *spec)
{
	int prefixlen = 24;
	__be32 addr;

	if (ip4_parse_prefix(spec, &addr, &prefixlen))
		return monitor_bad_arg("ifconfig", "'%s' is not an address (a.b.c.d/len, len 0-32)",
				       spec);
	/* inet_addr_set's only failure: an address no interface may have. */
	if (inet_addr_set(dev, addr, prefixlen))
		return monitor_bad_arg("ifconfig",
				       "%s cannot be an interface address "
				       "(multicast, broadcast or 0.x.x.x)",
				       spec);
	show_dev(dev);
	return 0;
}

/* `ifconfig <dev> mtu <n>`: set the MTU, then show the device. */
static int ifconfig_mtu(struct net_device *dev, const char *val)
{
	unsigned long long mtu;
	int err =
		monitor_parse_uint("ifconfig", "an MTU", val, DEV_MIN_MTU, dev_max_mtu(dev), &mtu);

	if (err)
		return err;
	err = dev_set_mtu(dev, (unsigned int)mtu);
	if (!err)
		show_dev(dev);
	return err;
}

/*
 * `ifconfig`: every device; `ifconfig <dev>`: that one; `ifconfig <dev>
 * <a.b.c.d/len>`: set the address; `ifconfig <dev> mtu <n>`: set the MTU.
 */
static int cmd_ifconfig(int argc, char **argv)
{
	struct net_device *dev;
	int err = monitor_check_args(argc, argv, 0, 3);

	if (err)
		return err;
	if (argc > 1) {
		dev = dev_get_by_name(argv[1]);
		if (!dev)
			return monitor_bad_arg(argv[0], "no device '%s'", argv[1]);
		if (argc == 4 && !strcmp(argv[2], "mtu"))
			return ifconfig_mtu(dev, argv[3]);
		if (argc == 4)
			return monitor_bad_arg(argv[0], "'%s' is not a setting (mtu <n>)", argv[2]);
		if (argc == 3)
			return ifconfig_set(dev, argv[2]);
		show_dev(dev);
		return 0;
	}
	/* The monitor is a thread and the only one that unregisters is a test: no lock. */
	for_each_netdev(dev)
		show_dev(dev);
	if (inet_gateway)
		printk("default via " IP4_FMT "\n", IP4_ARG(inet_gateway));
	return 0;
}
MONITOR_CMD(ifconfig, "ifconfig [<dev> [<a.b.c.d/len> | mtu <n>]]",
	    "network devices: addresses and ip -s link counters; or set an address or the MTU",
	    cmd_ifconfig);

/* One line per CPU, as /proc/net/softnet_stat has: where the receive work was done. */
static void show_softnet_per_cpu(void)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		const struct softnet_data *sd = &per_cpu(softnet_data, cpu);

		printk("    cpu%u: processed %lu time_squeeze %lu backlog_dropped %lu "
		       "backlog_now %u\n",
		       cpu, READ_ONCE(sd->processed), READ_ONCE(sd->time_squeeze),
		       READ_ONCE(sd->dropped), skb_queue_len(&sd->input_pkt_queue));
	}
}

static void show_protocol_counters(void)
{
	struct softnet_stat sn;
	unsigned long conns, refused, aborted, bytes;
	int active;
	unsigned int frag_queues;
	int frag_bytes;

	printk("Ip: InReceives %lu InHdrErrors %lu InTruncatedPkts %lu InAddrErrors %lu\n"
	       "    InUnknownProtos %lu InDiscards %lu InDelivers %lu\n"
	       "    OutRequests %lu OutNoRoutes %lu OutDiscards %lu\n"
	       "    ReasmTimeout %lu ReasmReqds %lu ReasmOKs %lu ReasmFails %lu\n"
	       "    FragOKs %lu FragFails %lu FragCreates %lu\n",
	       ip_mib.InReceives, ip_mib.InHdrErrors, ip_mib.InTruncatedPkts, ip_mib.InAddrErrors,
	       ip_mib.InUnknownProtos, ip_mib.InDiscards, ip_mib.InDelivers, ip_mib.OutRequests,
	       ip_mib.OutNoRoutes, ip_mib.OutDiscards, ip_mib.ReasmTimeout, ip_mib.ReasmReqds,
	       ip_mib.ReasmOKs, ip_mib.ReasmFails, ip_mib.FragOKs, ip_mib.FragFails,
	       ip_mib.FragCreates);
	/* As /proc/net/sockstat's "FRAG:" line: datagrams being reassembled, bytes held. */
	ipfrag_usage(&frag_queues, &frag_bytes);
	printk("Frag: inuse %u memory %d (high %ld, low %ld, time %ld ms)\n", frag_queues,
	       frag_bytes, ipfrag_high_thresh, ipfrag_low_thresh, ipfrag_time_ms);
	printk("Icmp: InMsgs %lu InErrors %lu InDestUnreachs %lu InTimeExcds %lu InParmProbs %lu\n"
	       "      InEchos %lu InEchoReps %lu\n"
	       "      OutMsgs %lu OutErrors %lu OutRateLimitHost %lu OutDestUnreachs %lu\n"
	       "      OutTimeExcds %lu OutParmProbs %lu OutEchos %lu OutEchoReps %lu\n",
	       icmp_mib.InMsgs, icmp_mib.InErrors, icmp_mib.InDestUnreachs, icmp_mib.InTimeExcds,
	       icmp_mib.InParmProbs, icmp_mib.InEchos, icmp_mib.InEchoReps, icmp_mib.OutMsgs,
	       icmp_mib.OutErrors, icmp_mib.OutRateLimitHost, icmp_mib.OutDestUnreachs,
	       icmp_mib.OutTimeExcds, icmp_mib.OutParmProbs, icmp_mib.OutEchos,
	       icmp_mib.OutEchoReps);
	printk("Udp: InDatagrams %lu NoPorts %lu InErrors %lu RcvbufErrors %lu InCsumErrors %lu\n"
	       "     OutDatagrams %lu\n",
	       udp_mib.InDatagrams, udp_mib.NoPorts, udp_mib.InErrors, udp_mib.RcvbufErrors,
	       udp_mib.InCsumErrors, udp_mib.OutDatagrams);
	printk("Tcp: ActiveOpens %lu PassiveOpens %lu AttemptFails %lu EstabResets %lu\n"
	       "     CurrEstab %lu InSegs %lu OutSegs %lu RetransSegs %lu InErrs %lu\n"
	       "     OutRsts %lu InCsumErrors %lu\n",
	       tcp_mib.ActiveOpens, tcp_mib.PassiveOpens, tcp_mib.AttemptFails, tcp_mib.EstabResets,
	       tcp_mib.CurrEstab, tcp_mib.InSegs, tcp_mib.OutSegs, tcp_mib.RetransSegs,
	       tcp_mib.InErrs, tcp_mib.OutRsts, tcp_mib.InCsumErrors);
	printk("TcpExt: TCPTimeouts %lu TCPFastRetrans %lu TCPChallengeACK %lu TCPAbortOnData %lu\n"
	       "        TCPAbortOnTimeout %lu ListenOverflows %lu ListenDrops %lu TCPOFOQueue %lu\n"
	       "        OutOfWindowIcmps %lu SyncookiesSent %lu SyncookiesRecv %lu\n"
	       "        SyncookiesFailed %lu TCPKeepAliveProbes %lu\n",
	       tcp_mib.TCPTimeouts, tcp_mib.TCPFastRetrans, tcp_mib.TCPChallengeACK,
	       tcp_mib.TCPAbortOnData, tcp_mib.TCPAbortOnTimeout, tcp_mib.ListenOverflows,
	       tcp_mib.ListenDrops, tcp_mib.TCPOFOQueue, tcp_mib.OutOfWindowIcmps,
	       tcp_mib.SyncookiesSent, tcp_mib.SyncookiesRecv, tcp_mib.SyncookiesFailed,
	       tcp_mib.TCPKeepAliveProbes);
	softnet_stat_read(&sn);
	printk("Softnet: processed %lu time_squeeze %lu backlog_dropped %lu backlog_now %u\n",
	       sn.processed, sn.time_squeeze, sn.dropped, backlog_len());
	show_softnet_per_cpu();
	printk("Sockets: udp %u, echo service answered %lu; ARP entries %u\n", udp_sock_count(),
	       echo_service_count(), arp_cache_count());
	echo_service_show();
	tcp_echo_stat(&conns, &refused, &aborted, &bytes, &active);
	printk("TCP echo: %lu connections (%d now, %lu refused, %lu aborted), %lu bytes\n", conns,
	       active, refused, aborted, bytes);
	tcp_show();
}

static int cmd_netstat(int argc, char **argv)
{
	bool any = false;

	show_protocol_counters();
	printk("Drops by reason:\n");
	for (int r = SKB_DROP_REASON_NOT_SPECIFIED; r < SKB_DROP_REASON_MAX; r++) {
		unsigned long n = READ_ONCE(net_drop_count[r]);

		if (!n)
			continue;
		printk("    %-18s %lu\n", skb_drop_reason_name(r), n);
		any = true;
	}
	if (!any)
		printk("    none\n");
	return 0;
}
MONITOR_CMD(netstat, "netstat", "protocol counters (netstat -s) and packet drops by reason",
	    cmd_netstat);
