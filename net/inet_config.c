/*
 * SPDX-License-Identifier: MIT
 * net/inet_config.c - IPv4 configuration from the kernel command line.
 *
 *   ip=10.0.2.15/24   the address and prefix of the device named by ip.dev=
 *   gw=10.0.2.2       the default gateway
 *   ip.dev=eth0       which device gets ip= (the first virtio-net NIC is eth0)
 *   ip=none           no address (gw= is then useless)
 *
 * The defaults are QEMU's user networking ("slirp"): the guest is
 * 10.0.2.15 on 10.0.2.0/24, the host's gateway 10.0.2.2.  The loopback
 * device always gets 127.0.0.1/8.  A bad value is reported and the default
 * kept; it never stops the boot.
 */
#include <errno.h>
#include <kernel/cmdline.h>
#include <kernel/compiler.h>
#include <kernel/printk.h>
#include <net/ip.h>
#include <net/netdevice.h>
#include <string.h>

#include "net_internal.h"

static char ip_param[32] = "10.0.2.15/24";
cmdline_param_string(ip, ip_param, "IPv4 address/prefix of ip.dev (default 10.0.2.15/24; none)");
static char gw_param[16] = "10.0.2.2";
cmdline_param_string(gw, gw_param, "IPv4 default gateway (default 10.0.2.2)");
static char ipdev_param[IFNAMSIZ] = "eth0";
/* Spelled out: cmdline_param_string() takes an identifier, and this name has a dot. */
static const struct kernel_param __param_ip_dev __section(".cmdline_params") __used __aligned(8) = {
	.name = "ip.dev",
	.type = PARAM_STRING,
	.var = ipdev_param,
	.max = sizeof(ipdev_param),
	.help = "the device that gets ip= (default eth0)",
};

/* What the options said, parsed once. */
static struct {
	bool parsed;
	__be32 addr; /* 0: none */
	int prefixlen;
} cfg;

int inet_config_init(void)
{
	__be32 addr = htonl(0x0a00020fU), gw = htonl(0x0a000202U);
	int prefixlen = 24, err = 0;

	if (cfg.parsed)
		return 0;
	cfg.parsed = true;
	if (!strcmp(ip_param, "none")) {
		addr = 0;
	} else if (ip4_parse_prefix(ip_param, &addr, &prefixlen)) {
		pr_err("net: ip=%s is not a.b.c.d[/len]; using 10.0.2.15/24\n", ip_param);
		addr = htonl(0x0a00020fU);
		prefixlen = 24;
		err = -EINVAL;
	}
	if (gw_param[0] && strcmp(gw_param, "none") && ip4_parse(gw_param, &gw)) {
		pr_err("net: gw=%s is not a.b.c.d; using 10.0.2.2\n", gw_param);
		gw = htonl(0x0a000202U);
		err = -EINVAL;
	} else if (!gw_param[0] || !strcmp(gw_param, "none")) {
		gw = 0;
	}
	cfg.addr = addr;
	cfg.prefixlen = prefixlen;
	if (inet_gateway_set(gw))
		pr_err("net: gw=%s cannot be a gateway\n", gw_param);
	return err;
}

void inet_autoconfig(struct net_device *dev)
{
	inet_config_init(); /* a NIC may register before inet_init */
	if (dev->flags & IFF_LOOPBACK) {
		inet_addr_set(dev, INADDR_LOOPBACK, 8);
		return;
	}
	if (!cfg.addr || strcmp(dev->name, ipdev_param))
		return;
	if (inet_addr_set(dev, cfg.addr, cfg.prefixlen)) {
		pr_err("net: cannot give %s the address of ip=%s\n", dev->name, ip_param);
		return;
	}
	pr_info("net: %s is " IP4_FMT "/%d, gateway " IP4_FMT "\n", dev->name, IP4_ARG(cfg.addr),
		cfg.prefixlen, IP4_ARG(inet_gateway));
}
