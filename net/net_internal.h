/*
 * SPDX-License-Identifier: MIT
 * net/net_internal.h - what the files of net/ call in each other and
 * nobody else should: boot hooks, and the pieces of one layer another
 * layer's housekeeping needs.  The public contracts are in include/net/.
 */
#ifndef NET_NET_INTERNAL_H
#define NET_NET_INTERNAL_H

#include <net/arp_test.h> /* net/arp.c's hooks for tests: its declarations */
#include <net/netdevice.h>

/* net/dev.c: the transmit softirq and the NAPI core. */
void net_dev_init(void);

/*
 * net/dev.c, for net/netem.c: the transmit path after dev_queue_xmit's
 * netem hook (the driver, or the queue's backlog), and the receive path
 * after netif_receive_skb's (the protocol demux).  Each consumes @skb.
 */
int __dev_queue_xmit(struct sk_buff *skb);
int netif_deliver_skb(struct sk_buff *skb);

/* net/napi.c */
void napi_core_init(void);
/* Drop every backlog packet that arrived on @dev (unregister).  Context: thread. */
void backlog_purge_dev(struct net_device *dev);
/* Packets waiting on the netif_rx backlog. */
unsigned int backlog_len(void);

/* net/inet_config.c: give @dev its configured address (lo: 127.0.0.1/8; ip.dev=: ip=). */
void inet_autoconfig(struct net_device *dev);
/* Parse ip=, gw= (after the command line).  Returns 0 or -EINVAL (defaults kept). */
int inet_config_init(void);

/* net/socket.c */
void udp_sock_init(void);

/* net/echo.c: start the UDP echo service.  Returns 0 or -errno.  (Its counters: net/echo.h.) */
int echo_service_start(void);

/*
 * http_head_end - where an HTTP head ends in @b (@n bytes): just after its
 * empty line (CRLF CRLF, or bare LFs), searching from @from; 0 if it is not
 * there yet.  The server (net/http.c) and the client (net/http_client.c).
 */
size_t http_head_end(const char *b, size_t n, size_t from);

/*
 * trace_skb_l3 - the IPv4 header of @skb wherever the layers left it
 * (network header, after the MAC header, or a whole frame on a device),
 * or NULL.  net/trace_skb.c; net/trace_tcp.c finds netem's segments by it.
 */
struct sk_buff;
const u8 *trace_skb_l3(const struct sk_buff *skb);

#endif
