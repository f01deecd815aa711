/*
 * SPDX-License-Identifier: MIT
 * tests/host/tcp_script.c - the packetdrill-like script runner of
 * tcp_script.h: parses one line at a time, injects what the peer sends,
 * checks what the stack sends.
 */
#include <errno.h>
#include <net/arp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_frames.h"
#include "tcp_internal.h" /* tcp_lookup, sock_hold/put: -iquote net (Makefile) */
#include "tcp_script.h"
#include <kernel/time.h>

struct tcps tcps;
static struct net_device *dev;
static unsigned long baseline;

/* One segment as a script line writes it (seq, end and ack absolute here). */
struct seg {
	u8 flags;
	u32 seq, end, ack;
	int win;    /* -1: not written */
	u8 opt[40]; /* the options, as on the wire */
	unsigned int olen;
};

static const struct {
	const char *name;
	int err;
} errnos[] = {
	{ "EAGAIN", EAGAIN },	      { "EINPROGRESS", EINPROGRESS },
	{ "ECONNRESET", ECONNRESET }, { "ECONNREFUSED", ECONNREFUSED },
	{ "ETIMEDOUT", ETIMEDOUT },   { "EPIPE", EPIPE },
	{ "ENOTCONN", ENOTCONN },     { "EINVAL", EINVAL },
	{ "EISCONN", EISCONN },
};

/* ---- set-up ------------------------------------------------------------------------- */

void tcps_init(void)
{
	u8 f[128];

	net_host_init();
	msleep(1000); /* off jiffies 0, which a segment's send time cannot be (tcb->when) */
	dev = net_host_nic();
	arp_params.reachable_ms = 24 * 3600 * 1000; /* the peer's address stays known */
	net_host_settle(dev);
	tnic_inject(dev, f, nf_arp(f, ARPOP_REQUEST, HOST_OUR_IP)); /* we learn the peer */
	tnic_tx_purge(dev);
	baseline = net_host_live();
}

long tcps_leaked(void)
{
	return (long)(net_host_live() - baseline);
}

void tcps_begin(u16 peer_port)
{
	memset(&tcps, 0, sizeof(tcps));
	tcps.peer_port = peer_port;
}

/* The connection of the case, held once it exists (to check its state after close). */
static void grab_connection(void)
{
	struct tcp_sock *tp;

	if (tcps.tp || !tcps.our_port)
		return;
	tp = tcp_lookup(HOST_PEER_IP, tcps.peer_port, HOST_OUR_IP, tcps.our_port);
	if (tp && tp->state == TCP_LISTEN) {
		sock_put(tp);
		tp = NULL;
	}
	tcps.tp = tp;
}

/* ---- the wire ------------------------------------------------------------------------- */

struct sk_buff *tcps_next_frame(void)
{
	struct sk_buff *skb;

	while ((skb = tnic_tx_pop(dev))) {
		const struct ethhdr *eth = (const struct ethhdr *)skb->data;
		u8 f[128];

		if (skb->len >= ETH_HLEN && eth->h_proto == htons(ETH_P_ARP)) {
			consume_skb(skb);
			tnic_inject(dev, f, nf_arp(f, ARPOP_REPLY, HOST_OUR_IP));
			continue;
		}
		return skb;
	}
	return NULL;
}

/* " <mss 1460,nop,wscale 7>" for @len bytes of options, as a script line writes them. */
static void format_options(const u8 *opt, unsigned int len, char *out, size_t size)
{
	const char *sep = " <";
	size_t n = 0;

	for (unsigned int i = 0; i < len && n < size; sep = ",") {
		if (opt[i] == TCPOPT_NOP || opt[i] == TCPOPT_EOL) {
			n += snprintf(out + n, size - n, "%s%s", sep, opt[i] ? "nop" : "eol");
			i++;
		} else if (opt[i] == TCPOPT_MSS && i + 4 <= len) {
			n += snprintf(out + n, size - n, "%smss %u", sep,
				      opt[i + 2] << 8 | opt[i + 3]);
			i += 4;
		} else if (opt[i] == TCPOPT_WINDOW && i + 3 <= len) {
			n += snprintf(out + n, size - n, "%swscale %u", sep, opt[i + 2]);
			i += 3;
		} else if (opt[i] == TCPOPT_SACK_PERM && i + 2 <= len) {
			n += snprintf(out + n, size - n, "%ssackOK", sep);
			i += 2;
		} else {
			n += snprintf(out + n, size - n, "%s?%u", sep, opt[i]);
			i++;
		}
	}
	if (len && n < size)
		snprintf(out + n, size - n, ">");
}

/* @skb (a frame we sent) as a script line would write it, relative numbers. */
static void format_frame(const struct sk_buff *skb, char *out, size_t size)
{
	const struct iphdr *iph = (const struct iphdr *)(skb->data + ETH_HLEN);
	const struct tcphdr *th = (const struct tcphdr *)((const u8 *)iph + iph->ihl * 4);
	u32 len = ntohs(iph->tot_len) - iph->ihl * 4 - th->doff * 4;
	u32 seq = ntohl(th->seq) - tcps.iss, ack = ntohl(th->ack_seq) - TCPS_PEER_ISN;
	char flags[8], *p = flags;

	if (th->syn)
		*p++ = 'S';
	if (th->fin)
		*p++ = 'F';
	if (th->rst)
		*p++ = 'R';
	if (th->psh)
		*p++ = 'P';
	if (th->ack)
		*p++ = '.';
	*p = '\0';
	snprintf(out, size, "> %s %d:%d(%u)", flags, (int)seq, (int)(seq + len), len);
	if (th->ack)
		snprintf(out + strlen(out), size - strlen(out), " ack %d", (int)ack);
	snprintf(out + strlen(out), size - strlen(out), " win %u", ntohs(th->window));
	format_options((const u8 *)(th + 1), th->doff * 4u - 20, out + strlen(out),
		       size - strlen(out));
}

/*
 * Check the frame @skb against @want: a valid IPv4 packet from us to the
 * peer, TCP with a good checksum between the case's ports, and every
 * field the line wrote.  Data bytes are our stream's.
 */
static bool frame_matches(const struct sk_buff *skb, const struct seg *want, bool *iss_learned)
{
	const struct iphdr *iph = (const struct iphdr *)(skb->data + ETH_HLEN);
	const struct tcphdr *th;
	unsigned int ihl, tot, hlen, len;
	const u8 *data;
	u32 seq;

	if (skb->len < ETH_HLEN + 40 ||
	    ((const struct ethhdr *)skb->data)->h_proto != htons(ETH_P_IP))
		return false;
	ihl = iph->ihl * 4u;
	tot = ntohs(iph->tot_len);
	if (ip_hdr_check(iph, skb->len - ETH_HLEN) != SKB_NOT_DROPPED_YET ||
	    iph->protocol != IPPROTO_TCP || iph->saddr != HOST_OUR_IP || iph->daddr != HOST_PEER_IP)
		return false;
	th = (const struct tcphdr *)((const u8 *)iph + ihl);
	hlen = th->doff * 4u;
	if (tot < ihl + hlen || hlen < 20 ||
	    csum_tcpudp_magic(iph->saddr, iph->daddr, tot - ihl, IPPROTO_TCP,
			      csum_partial(th, (int)(tot - ihl), 0)))
		return false;
	if (tcps.our_port && ntohs(th->source) != tcps.our_port)
		return false;
	if (ntohs(th->dest) != tcps.peer_port)
		return false;
	len = tot - ihl - hlen;
	seq = ntohl(th->seq);
	if (tcp_flag_byte(th) != want->flags)
		return false;
	if ((want->flags & TCPHDR_SYN) && !tcps.iss_known) {
		tcps.iss = seq - want->seq; /* our ISN: the line's seq is relative to it */
		tcps.iss_known = true;
		*iss_learned = true;
	}
	if (seq != tcps.iss + want->seq || len != want->end - want->seq)
		return false;
	if ((want->flags & TCPHDR_ACK) && ntohl(th->ack_seq) != want->ack)
		return false;
	if (want->win >= 0 && ntohs(th->window) != want->win)
		return false;
	if (hlen - 20 != want->olen || memcmp(th + 1, want->opt, want->olen))
		return false;
	data = (const u8 *)th + hlen;
	for (u32 i = 0; i < len; i++)
		if (data[i] != tcps_pat(want->seq - 1 + i))
			return false;
	if (!tcps.our_port)
		tcps.our_port = ntohs(th->source);
	return true;
}

/* ---- parsing -------------------------------------------------------------------------- */

static bool parse_flags(const char *s, u8 *flags)
{
	*flags = 0;
	for (; *s; s++) {
		switch (*s) {
		case 'S':
			*flags |= TCPHDR_SYN;
			break;
		case 'F':
			*flags |= TCPHDR_FIN;
			break;
		case 'R':
			*flags |= TCPHDR_RST;
			break;
		case 'P':
			*flags |= TCPHDR_PSH;
			break;
		case '.':
			*flags |= TCPHDR_ACK;
			break;
		default:
			return false;
		}
	}
	return true;
}

/*
 * "<mss 1460,nop,wscale 7,sackOK>" into @s's option bytes: exactly these,
 * in this order, which must fill whole 4-byte words.
 */
static bool parse_options(char *text, struct seg *s)
{
	for (char *o = strtok(text, ","); o; o = strtok(NULL, ",")) {
		unsigned int v = 0;

		while (*o == ' ')
			o++;
		if (s->olen + 4 > sizeof(s->opt))
			return false;
		if (sscanf(o, "mss %u", &v) == 1) {
			s->opt[s->olen++] = TCPOPT_MSS;
			s->opt[s->olen++] = TCPOLEN_MSS;
			s->opt[s->olen++] = (u8)(v >> 8);
			s->opt[s->olen++] = (u8)v;
		} else if (sscanf(o, "wscale %u", &v) == 1) {
			s->opt[s->olen++] = TCPOPT_WINDOW;
			s->opt[s->olen++] = TCPOLEN_WINDOW;
			s->opt[s->olen++] = (u8)v;
		} else if (!strncmp(o, "sackOK", 6)) {
			s->opt[s->olen++] = TCPOPT_SACK_PERM;
			s->opt[s->olen++] = TCPOLEN_SACK_PERM;
		} else if (!strncmp(o, "nop", 3)) {
			s->opt[s->olen++] = TCPOPT_NOP;
		} else if (!strncmp(o, "eol", 3)) {
			s->opt[s->olen++] = TCPOPT_EOL;
		} else {
			return false;
		}
	}
	return s->olen % 4 == 0;
}

/* "FLAGS SEQ:END(LEN) [ack N] [win N] [<options>]" into @s, the numbers as written. */
static bool parse_seg(char *rest, struct seg *s)
{
	char *opts = strchr(rest, '<'), *tok, *end;
	long seq, stop, len;

	memset(s, 0, sizeof(*s));
	s->win = -1;
	if (opts) {
		char *close = strchr(opts, '>');

		if (!close)
			return false;
		*opts++ = '\0';
		*close = '\0';
		if (!parse_options(opts, s))
			return false;
	}
	tok = strtok(rest, " ");
	if (!tok || !parse_flags(tok, &s->flags) || !(tok = strtok(NULL, " ")))
		return false;
	seq = strtol(tok, &end, 0);
	if (*end++ != ':')
		return false;
	stop = strtol(end, &end, 0);
	if (*end++ != '(')
		return false;
	len = strtol(end, &end, 0);
	if (*end != ')' || stop - seq != len || len < 0)
		return false;
	s->seq = (u32)seq;
	s->end = (u32)stop;
	while ((tok = strtok(NULL, " "))) {
		char *val = strtok(NULL, " ");

		if (!val)
			return false;
		if (!strcmp(tok, "ack"))
			s->ack = (u32)strtol(val, NULL, 0);
		else if (!strcmp(tok, "win"))
			s->win = (int)strtol(val, NULL, 0);
		else
			return false;
	}
	return true;
}

/* "= -ECONNRESET" or "= 12" after a call, or @dflt. */
static bool parse_ret(int *ret, int dflt)
{
	char *eq = strtok(NULL, " "), *val;

	*ret = dflt;
	if (!eq)
		return true;
	if (strcmp(eq, "=") || !(val = strtok(NULL, " ")))
		return false;
	if (val[0] == '-' && val[1] == 'E') {
		for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++) {
			if (!strcmp(val + 1, errnos[i].name)) {
				*ret = -errnos[i].err;
				return true;
			}
		}
		return false;
	}
	*ret = (int)strtol(val, NULL, 0);
	return true;
}

static int state_by_name(const char *name)
{
	for (int s = 1; s < TCP_MAX_STATES; s++)
		if (!strcmp(tcp_state_name(s), name))
			return s;
	return -1;
}

/* ---- the steps ------------------------------------------------------------------------ */

static bool step_inject(char *rest)
{
	static u8 frame[ETH_HLEN + 20 + 24 + 2048];
	u8 data[2048];
	struct seg s;
	u32 len;

	if (!parse_seg(rest, &s) || s.end - s.seq > sizeof(data))
		return false;
	len = s.end - s.seq; /* as packetdrill's: data only, a SYN or FIN not counted */
	for (u32 i = 0; i < len; i++)
		data[i] = tcps_pat(s.seq - 1 + i);
	tnic_inject(dev, frame,
		    nf_tcp(frame, tcps.peer_port, tcps.our_port, TCPS_PEER_ISN + s.seq,
			   tcps.iss + s.ack, s.flags, (u16)(s.win < 0 ? 65535 : s.win), s.opt,
			   s.olen, data, len));
	return true;
}

static bool step_expect(char *rest, const char *line)
{
	struct sk_buff *skb;
	bool iss_learned = false, ok;
	char got[128];
	struct seg s;

	if (!strcmp(rest, "none")) {
		skb = tcps_next_frame();
		if (!skb)
			return true;
		format_frame(skb, got, sizeof(got));
		printf("# expected nothing, sent: %s\n", got);
		consume_skb(skb);
		return false;
	}
	if (!parse_seg(rest, &s))
		return false;
	s.ack += TCPS_PEER_ISN;
	skb = tcps_next_frame();
	if (!skb) {
		printf("# %s: nothing was sent\n", line);
		return false;
	}
	ok = frame_matches(skb, &s, &iss_learned);
	if (!ok) {
		if (iss_learned)
			tcps.iss_known = false;
		format_frame(skb, got, sizeof(got));
		printf("# expected %s\n#      got %s\n", line, got);
	}
	consume_skb(skb);
	return ok;
}

static bool check_ret(const char *what, int got, int want)
{
	if (got == want)
		return true;
	printf("# %s returned %d, not %d\n", what, got, want);
	return false;
}

static bool step_call(char *cmd)
{
	char *arg;
	int ret, want;

	if (!strcmp(cmd, "listen")) {
		int port = (arg = strtok(NULL, " ")) ? atoi(arg) : TCPS_PORT;
		int backlog = (arg = strtok(NULL, " ")) ? atoi(arg) : 8;

		tcps.our_port = (u16)port;
		return !sock_create_tcp(&tcps.listener) && !kernel_bind(tcps.listener, (u16)port) &&
		       !kernel_listen(tcps.listener, backlog);
	}
	if (!strcmp(cmd, "accept")) {
		struct socket *sock = NULL;

		if (!parse_ret(&want, 0))
			return false;
		ret = kernel_accept(tcps.listener, &sock, O_NONBLOCK);
		if (!ret)
			tcps.conn = sock;
		return check_ret("accept", ret, want);
	}
	if (!strcmp(cmd, "connect")) {
		if (!parse_ret(&want, -EINPROGRESS) || sock_create_tcp(&tcps.conn))
			return false;
		ret = kernel_connect(tcps.conn, HOST_PEER_IP, tcps.peer_port, O_NONBLOCK);
		tcps.tp = tcp_sk(tcps.conn->sk);
		sock_hold(tcps.tp);
		tcps.our_port = tcps.tp->sk.inet_num;
		return check_ret("connect", ret, want);
	}
	if (!strcmp(cmd, "send") || !strcmp(cmd, "recv")) {
		static u8 buf[1 << 16];
		u32 n = (arg = strtok(NULL, " ")) ? (u32)atoi(arg) : 0;

		if (n > sizeof(buf) || !parse_ret(&want, (int)n) || !tcps.conn)
			return false;
		if (cmd[0] == 's') {
			for (u32 i = 0; i < n; i++)
				buf[i] = tcps_pat(tcps.sent + i);
			ret = kernel_sendmsg(tcps.conn, buf, n, MSG_DONTWAIT);
			if (ret > 0)
				tcps.sent += (u32)ret;
			return check_ret("send", ret, want);
		}
		ret = kernel_recvmsg(tcps.conn, buf, n, MSG_DONTWAIT);
		for (int i = 0; i < ret; i++) {
			if (buf[i] != tcps_pat(tcps.read + (u32)i)) {
				printf("# recv: byte %u is %#x, not %#x\n", tcps.read + i, buf[i],
				       tcps_pat(tcps.read + (u32)i));
				return false;
			}
		}
		if (ret > 0)
			tcps.read += (u32)ret;
		return check_ret("recv", ret, want);
	}
	if (!strcmp(cmd, "shutdown")) {
		int how;

		arg = strtok(NULL, " ");
		if (!arg || !tcps.conn || !parse_ret(&want, 0))
			return false;
		how = !strcmp(arg, "rd") ? SHUT_RD : !strcmp(arg, "wr") ? SHUT_WR : SHUT_RDWR;
		return check_ret("shutdown", kernel_sock_shutdown(tcps.conn, how), want);
	}
	if (!strcmp(cmd, "close")) {
		arg = strtok(NULL, " ");
		if (arg && !strcmp(arg, "listener")) {
			sock_release(tcps.listener);
			tcps.listener = NULL;
		} else {
			sock_release(tcps.conn);
			tcps.conn = NULL;
		}
		return true;
	}
	if (!strcmp(cmd, "state")) {
		int want_state = (arg = strtok(NULL, " ")) ? state_by_name(arg) : -1;

		grab_connection();
		if (!tcps.tp || tcps.tp->state != want_state) {
			printf("# state %s, not %s\n",
			       tcps.tp ? tcp_state_name(tcps.tp->state) : "(none)",
			       arg ? arg : "?");
			return false;
		}
		return true;
	}
	printf("# unknown command %s\n", cmd);
	return false;
}

static bool run_line(const char *line)
{
	char buf[256], *cmd;
	bool ok;

	snprintf(buf, sizeof(buf), "%s", line);
	if (buf[0] == '+') {
		/* A millisecond at a time: each timer fires at its time, and re-arms from it. */
		for (int ms = atoi(buf + 1); ms > 0; ms--)
			msleep(1);
		ok = true;
	} else if (buf[0] == '<' && buf[1] == ' ') {
		ok = step_inject(buf + 2);
	} else if (buf[0] == '>' && buf[1] == ' ') {
		ok = step_expect(buf + 2, line);
	} else {
		cmd = strtok(buf, " ");
		ok = cmd && step_call(cmd);
	}
	grab_connection();
	return ok;
}

bool tcps_run(const char *const *lines)
{
	for (unsigned int i = 0; lines[i]; i++) {
		if (!run_line(lines[i])) {
			tcps.line = i + 1;
			printf("# script line %u failed: %s\n", i + 1, lines[i]);
			return false;
		}
	}
	return true;
}

bool tcps_do(const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (run_line(line))
		return true;
	printf("# failed: %s\n", line);
	return false;
}

/* ---- the end of a case ---------------------------------------------------------------- */

/* Drop what we sent, answering ARP on the way (what waits for it goes out, and is dropped too). */
static void drain_sent(void)
{
	struct sk_buff *skb;

	while ((skb = tcps_next_frame()))
		consume_skb(skb);
}

bool tcps_end(void)
{
	struct tcp_sock *tp = tcps.tp;
	u8 f[128];

	if (tcps.conn)
		sock_release(tcps.conn);
	if (tcps.listener)
		sock_release(tcps.listener);
	if (tp && tp->state != TCP_CLOSE && tp->state != TCP_TIME_WAIT)
		tnic_inject(dev, f,
			    nf_tcp(f, tcps.peer_port, tcps.our_port, tp->rcv_nxt, tp->snd_nxt,
				   TCPHDR_RST | TCPHDR_ACK, 0, NULL, 0, NULL, 0));
	if (tp)
		sock_put(tp);
	drain_sent();
	/* Until every connection and what waits for ARP (a reply that failed to come) is gone. */
	for (int i = 0; i < 64 && (tcp_sock_count() || tcps_leaked()); i++) {
		msleep(TCP_RTO_MAX_MS);
		drain_sent();
	}
	memset(&tcps, 0, sizeof(tcps));
	if (tcp_sock_count() || tcps_leaked()) {
		printf("# %u TCP sockets, %ld objects left (HTEST_VERBOSE=1 lists them)\n",
		       tcp_sock_count(), tcps_leaked());
		tcp_show();
		return false;
	}
	return true;
}
