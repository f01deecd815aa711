/*
 * SPDX-License-Identifier: MIT
 * net/route.c - where IPv4 packets go, and sending them: our addresses,
 * the default gateway, route lookup, and the header of outgoing packets.
 *
 * No routing table: a host with one or two interfaces needs only
 * "is it me, is it on one of my links, else the gateway" (RFC 1122 section
 * 3.3.1.1: "local/remote decision").  The devices' addresses
 * (dev->ip4) and inet_gateway are the table.  The addresses change only
 * from threads, under dev_base_lock taken for writing; lookups, from
 * threads and softirqs on any CPU, take it for reading and so run in
 * parallel (3.10 reads the FIB and in_device under RCU instead).
 * inet_gateway is one word, written and read once (WRITE_ONCE/READ_ONCE).
 * Each CPU keeps its last output route until rt_cache_flush() (below), so
 * a stream of packets to one destination walks the devices once.
 */
#include <errno.h>
#include <kernel/perf.h>
#include <kernel/printk.h>
#include <kernel/trace.h>
#include <net/arp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/loopback.h>
#include <net/netdevice.h>

__be32 inet_gateway;
static u16 ip_ident; /* the next Identification field */

/* A device that can carry packets: up, and with an address. */
static bool dev_usable(const struct net_device *dev)
{
	return netif_running(dev) && dev->ip4.ifa_local;
}

static bool dev_on_link(const struct net_device *dev, __be32 addr)
{
	return dev_usable(dev) && !((addr ^ dev->ip4.ifa_local) & dev->ip4.ifa_mask);
}

/* Our device with address @addr, or NULL.  Caller holds dev_base_lock. */
static struct net_device *__ip_dev_find(__be32 addr)
{
	struct net_device *dev;

	for_each_netdev(dev)
		if (dev->ip4.ifa_local == addr && addr)
			return dev;
	return NULL;
}

bool ip_addr_is_local(__be32 addr)
{
	bool local;

	if (ipv4_is_loopback(addr))
		return true;
	read_lock_bh(&dev_base_lock);
	local = __ip_dev_find(addr) != NULL;
	read_unlock_bh(&dev_base_lock);
	return local;
}

/* The device on whose link @addr is, or NULL.  Caller holds dev_base_lock. */
static struct net_device *__ip_dev_on_link(__be32 addr)
{
	struct net_device *dev;

	for_each_netdev(dev)
		if (!(dev->flags & IFF_LOOPBACK) && dev_on_link(dev, addr))
			return dev;
	return NULL;
}

/* The first usable broadcast-capable device, or NULL.  Caller holds dev_base_lock. */
static struct net_device *__ip_dev_broadcast(void)
{
	struct net_device *dev;

	for_each_netdev(dev)
		if (dev_usable(dev) && (dev->flags & IFF_BROADCAST))
			return dev;
	return NULL;
}

/* Fill @rt for a destination that is this host.  Caller holds dev_base_lock. */
static int __ip_route_local(__be32 daddr, struct ip_route *rt)
{
	struct net_device *lo = loopback_dev;

	if (!lo || !netif_running(lo))
		return -ENETUNREACH;
	rt->dev = lo;
	rt->nexthop = daddr;
	rt->saddr = ipv4_is_loopback(daddr) ? INADDR_LOOPBACK : daddr;
	return 0;
}

/*
 * The output route cache.  3.10 keeps the output route of a FIB nexthop per
 * CPU (nh_pcpu_rth_output) and expires every cached route at once by moving
 * rt_genid (rt_cache_flush) when an address, a route or a device changes; a
 * route is used only if it was made under the current rt_genid.  Here the
 * "FIB" is the devices and the gateway, so each CPU keeps its last lookup,
 * under interrupts off (a softirq on this CPU routes too).
 */
/* 3.10 caches per FIB nexthop and socket; we each CPU's last lookup: docs/linux-3.10.md */
struct rt_pcpu_cache {
	__be32 daddr;
	unsigned int genid; /* rt_genid when looked up; rt_genid never comes back to it */
	bool valid;
	struct ip_route rt;
};
static DEFINE_PER_CPU(struct rt_pcpu_cache, rt_pcpu_cache);
static unsigned int rt_genid; /* moved by every change a lookup reads */

void rt_cache_flush(void)
{
	/* After the change: a lookup that sees the new rt_genid sees the change too. */
	__atomic_add_fetch(&rt_genid, 1, __ATOMIC_RELEASE);
}

/* This CPU's cached route to @daddr into @rt, if made under @genid.  Interrupts off. */
static bool rt_cache_get(__be32 daddr, unsigned int genid, struct ip_route *rt)
{
	struct rt_pcpu_cache *c = this_cpu_ptr(&rt_pcpu_cache);

	if (!c->valid || c->daddr != daddr || c->genid != genid)
		return false;
	*rt = c->rt;
	return true;
}

/* Keep @rt, looked up under @genid, as this CPU's cached route to @daddr. */
static void rt_cache_set(__be32 daddr, unsigned int genid, const struct ip_route *rt)
{
	unsigned long flags;
	struct rt_pcpu_cache *c;

	local_irq_save(flags);
	c = this_cpu_ptr(&rt_pcpu_cache);
	*c = (struct rt_pcpu_cache){ .daddr = daddr, .genid = genid, .valid = true, .rt = *rt };
	local_irq_restore(flags);
}

/* 3.10 looks routes up in the FIB; we on-link or the gateway: docs/linux-3.10.md */
static int __ip_route_output(__be32 daddr, struct ip_route *rt)
{
	__be32 gw = READ_ONCE(inet_gateway); /* one value for the whole lookup */
	struct net_device *dev;
	int err = 0;

	if (ipv4_is_zeronet(daddr) || ipv4_is_reserved(daddr))
		return -ENETUNREACH; /* "this network" and class E: no one to send to */
	read_lock_bh(&dev_base_lock);
	if (ipv4_is_loopback(daddr) || __ip_dev_find(daddr)) {
		err = __ip_route_local(daddr, rt);
		goto out;
	}
	if (ipv4_is_lbcast(daddr) || ipv4_is_multicast(daddr))
		dev = __ip_dev_broadcast();
	else
		dev = __ip_dev_on_link(daddr);
	if (dev) {
		rt->nexthop = daddr;
	} else if (gw && !ipv4_is_lbcast(daddr) && !ipv4_is_multicast(daddr) &&
		   (dev = __ip_dev_on_link(gw))) {
		rt->nexthop = gw;
	} else {
		err = -ENETUNREACH;
		goto out;
	}
	rt->dev = dev;
	rt->saddr = dev->ip4.ifa_local;
out:
	read_unlock_bh(&dev_base_lock);
	return err;
}

/* A miss: the lookup, kept for next time if it found a route.  Out of line: the hit is a leaf. */
static noinline int ip_route_output_slow(__be32 daddr, unsigned int genid, struct ip_route *rt)
{
	int err = __ip_route_output(daddr, rt);

	if (!err)
		rt_cache_set(daddr, genid, rt);
	return err;
}

int ip_route_output(__be32 daddr, struct ip_route *rt)
{
	/* Before the lookup reads anything: a change after this moves rt_genid past it. */
	unsigned int genid = __atomic_load_n(&rt_genid, __ATOMIC_ACQUIRE);
	unsigned long flags;
	bool hit;

	local_irq_save(flags);
	hit = rt_cache_get(daddr, genid, rt);
	local_irq_restore(flags);
	if (likely(hit))
		return 0;
	return ip_route_output_slow(daddr, genid, rt);
}

/* Push and fill the IPv4 header in front of the payload at skb->data. */
static void ip_push_header(struct sk_buff *skb, __be32 saddr, __be32 daddr, u8 protocol)
{
	struct iphdr *iph = skb_push(skb, sizeof(*iph));

	skb_reset_network_header(skb);
	iph->version = IPVERSION;
	iph->ihl = 5;
	iph->tos = 0;
	iph->tot_len = htons((u16)skb->len);
	/*
	 * DF is clear, so a router may fragment: the ID must differ between
	 * recent datagrams of one source (RFC 791 section 3.2, "Identification").
	 */
	iph->id = htons(__atomic_fetch_add(&ip_ident, 1, __ATOMIC_RELAXED));
	iph->frag_off = 0;
	iph->ttl = IPDEFTTL;
	iph->protocol = protocol;
	iph->saddr = saddr;
	iph->daddr = daddr;
	iph->check = 0;
	iph->check = ip_fast_csum(iph, iph->ihl);
}

DEFINE_PERF_LAYER(perf_ip_output, "ip output");

int ip_build_and_send_pkt(struct sk_buff *skb, __be32 saddr, __be32 daddr, u8 protocol)
{
	PERF_SCOPE(&perf_ip_output); /* ARP, the qdisc, netem are in its self; the driver is not */
	struct ip_route rt;

	if (ip_route_output(daddr, &rt)) {
		__atomic_add_fetch(&ip_mib.OutNoRoutes, 1, __ATOMIC_RELAXED);
		skb_drop(skb, SKB_DROP_REASON_IP_OUTNOROUTES);
		return -ENETUNREACH;
	}
	ip_push_header(skb, saddr ? saddr : rt.saddr, daddr, protocol);
	trace_skb(TE_IP_OUTPUT, skb, protocol);
	__atomic_add_fetch(&ip_mib.OutRequests, 1, __ATOMIC_RELAXED);
	if (skb->len > rt.dev->mtu)
		return ip_fragment(skb, rt.dev, rt.nexthop);
	return arp_output(skb, rt.dev, rt.nexthop);
}

int inet_addr_set(struct net_device *dev, __be32 addr, int prefixlen)
{
	__be32 mask;

	if (prefixlen < 0 || prefixlen > 32)
		return -EINVAL;
	if (addr && (ipv4_is_multicast(addr) || ipv4_is_lbcast(addr) || ipv4_is_zeronet(addr)))
		return -EINVAL;
	mask = inet_make_mask(prefixlen);
	write_lock_bh(&dev_base_lock);
	dev->ip4.ifa_local = addr;
	dev->ip4.ifa_prefixlen = addr ? (u8)prefixlen : 0;
	dev->ip4.ifa_mask = addr ? mask : 0;
	/* /31 and /32 have no broadcast address (RFC 3021). */
	dev->ip4.ifa_broadcast = addr && prefixlen < 31 ? (addr | ~mask) : 0;
	rt_cache_flush();
	write_unlock_bh(&dev_base_lock);
	return 0;
}

int inet_gateway_set(__be32 gw)
{
	if (gw && (ipv4_is_multicast(gw) || ipv4_is_lbcast(gw) || ipv4_is_loopback(gw)))
		return -EINVAL;
	WRITE_ONCE(inet_gateway, gw);
	rt_cache_flush();
	return 0;
}
