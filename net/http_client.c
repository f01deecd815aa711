/*
 * SPDX-License-Identifier: MIT
 * net/http_client.c - an HTTP/1.1 client for the monitor: `http get
 * 10.0.2.2:8000/file` fetches one resource and prints the answer (RFC 9112
 * message syntax, read with the care of a server: every byte is the
 * peer's).
 *
 *   http_client_get    connect; "GET <path> HTTP/1.1", Host, Connection: close
 *                      (and Range: bytes=<first>-<last> if asked)
 *     client_read_head    bytes until the empty line: at most 8 KiB, within
 *                         http_client_timeout_ms (-EMSGSIZE, -ETIMEDOUT)
 *     client_parse_head   "HTTP/1.x NNN reason", then each field; only
 *                         Content-Length and Transfer-Encoding matter
 *     client_read_body    Content-Length bytes (-EPIPE if fewer came), or
 *                         without it to the end of the stream; the first
 *                         <cap> kept, the rest counted
 *   http_client_cmd    parses the argument, prints the status line, the
 *                      fields and the body: text as it is, anything else as
 *                      a byte count and a hexdump of its first 256 bytes
 *
 * 3.10 has no HTTP client in the kernel; this one is ours (docs/linux-3.10.md#http).
 */
#include <errno.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <mm/slab.h>
#include <net/http.h>
#include <net/ip.h>
#include <net/socket.h>
#include <net/tcp.h>
#include <stdio.h>
#include <string.h>

#include "net_internal.h"

#define CLIENT_BUF (HTTP_CLIENT_HEAD_MAX + 4096) /* a head and what came with it */

unsigned int http_client_timeout_ms = 10000;

#define client_digit(ch) ((ch) >= '0' && (ch) <= '9')

struct http_client {
	struct socket *sock;
	char *buf;
	size_t have;		/* bytes in buf */
	unsigned long deadline; /* jiffies: the head must be whole by then */
};

/* Receive into @buf, waiting at most until @deadline; -ETIMEDOUT after it, -EINTR on Ctrl-C. */
static int client_recv(struct http_client *c, void *buf, size_t len, unsigned long deadline)
{
	int n;

	if (signal_pending(current))
		return -EINTR;
	if (!time_before(jiffies, deadline))
		return -ETIMEDOUT;
	sock_set_rcvtimeo(c->sock, jiffies_to_msecs(deadline - jiffies) ?: 1);
	n = kernel_recvmsg(c->sock, buf, len, 0);
	return n == -EAGAIN ? -ETIMEDOUT : n;
}

/* Read until c->buf holds the whole head; its length, or an error. */
static long client_read_head(struct http_client *c)
{
	for (;;) {
		size_t end = http_head_end(c->buf, c->have, 0);
		int n;

		if (end)
			return end <= HTTP_CLIENT_HEAD_MAX ? (long)end : -EMSGSIZE;
		if (c->have >= HTTP_CLIENT_HEAD_MAX)
			return -EMSGSIZE;
		n = client_recv(c, c->buf + c->have, CLIENT_BUF - 1 - c->have, c->deadline);
		if (n == 0)
			return -ENODATA;
		if (n < 0)
			return n;
		c->have += (size_t)n;
	}
}

/* "HTTP/1.x NNN[ reason]": the status (100..599), or -EPROTO. */
static int client_status_line(const char *l)
{
	if (strncmp(l, "HTTP/1.", 7) || !client_digit(l[7]) || l[8] != ' ')
		return -EPROTO;
	for (int i = 9; i < 12; i++)
		if (!client_digit(l[i]))
			return -EPROTO;
	if (l[12] != ' ' && l[12] != '\r' && l[12] != '\n')
		return -EPROTO;
	if (l[9] < '1' || l[9] > '5')
		return -EPROTO;
	return (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
}

/* A Content-Length value (OWS around digits, no sign, below 2^62): 0 and *@n, or -EBADMSG. */
static int client_length(const char *v, const char *end, long long *n)
{
	long long x = 0;
	const char *d;

	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	if (v == end)
		return -EBADMSG;
	for (d = v; d < end; d++) {
		if (!client_digit(*d) || x > ((1LL << 62) - 9) / 10)
			return -EBADMSG;
		x = x * 10 + (*d - '0');
	}
	/* RFC 9112 6.3: several values that differ make the framing unknowable. */
	if (*n >= 0 && *n != x)
		return -EBADMSG;
	*n = x;
	return 0;
}

/* The status line, then each field (only the framing ones matter) into @rep. */
static int client_parse_head(const char *head, size_t len, struct http_reply *rep)
{
	const char *line = memchr(head, '\n', len), *end = head + len;
	int status = client_status_line(head);

	if (status < 0 || !line)
		return -EPROTO;
	rep->status = status;
	rep->length = -1;
	for (line++; line < end; line++) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		const char *colon = memchr(line, ':', (size_t)(eol - line));

		if (colon && colon - line == 14 && !strncasecmp(line, "Content-Length", 14)) {
			if (client_length(colon + 1, eol, &rep->length))
				return -EBADMSG;
		} else if (colon && colon - line == 17 &&
			   !strncasecmp(line, "Transfer-Encoding", 17)) {
			rep->chunked = true;
		}
		line = eol;
	}
	/* RFC 9112 6.3: Transfer-Encoding overrides Content-Length; read to the end. */
	if (rep->chunked)
		rep->length = -1;
	/* 1xx, 204 and 304 have no body (RFC 9112 6.3 rule 1). */
	if (status / 100 == 1 || status == 204 || status == 304)
		rep->length = 0;
	return 0;
}

/* Keep the first @cap bytes of the body in rep->body, count them all. */
static void client_keep(struct http_reply *rep, size_t cap, const char *p, size_t n)
{
	size_t room = cap - rep->body_kept;

	memcpy(rep->body + rep->body_kept, p, n < room ? n : room);
	rep->body_kept += n < room ? n : room;
	rep->body_len += n;
}

/* The body: rep->length bytes, or to the end; c->buf holds its first c->have bytes. */
static int client_read_body(struct http_client *c, struct http_reply *rep, size_t cap)
{
	u64 want = rep->length < 0 ? ~0ULL : (u64)rep->length;

	for (;;) {
		size_t take =
			c->have < want - rep->body_len ? c->have : (size_t)(want - rep->body_len);
		int n;

		client_keep(rep, cap, c->buf, take);
		c->have = 0;
		if (rep->body_len == want)
			return 0;
		n = client_recv(c, c->buf, CLIENT_BUF - 1,
				jiffies + msecs_to_jiffies(http_client_timeout_ms));
		if (n == 0)
			return rep->length < 0 ? 0 : -EPIPE;
		if (n < 0)
			return n;
		c->have = (size_t)n;
	}
}

/* Send the request line, Host, Connection: close, and Range if @range. */
static int client_send_request(struct http_client *c, __be32 daddr, u16 port, const char *path,
			       const char *range)
{
	char req[HTTP_CLIENT_PATH_MAX + HTTP_CLIENT_RANGE_MAX + 160], host[24], rf[64] = "";
	int len;

	/* RFC 9110 7.2: the port goes into Host unless it is the scheme's default. */
	len = snprintf(host, sizeof(host), IP4_FMT, IP4_ARG(daddr));
	if (port != HTTP_PORT)
		snprintf(host + len, sizeof(host) - (size_t)len, ":%u", port);
	if (range)
		snprintf(rf, sizeof(rf), "Range: bytes=%s\r\n", range);
	len = snprintf(req, sizeof(req),
		       "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: teachos\r\nAccept: */*\r\n"
		       "%sConnection: close\r\n\r\n",
		       path, host, rf);

	for (int off = 0; off < len;) {
		int n = kernel_sendmsg(c->sock, req + off, (size_t)(len - off), 0);

		if (n <= 0)
			return n ? n : -EPIPE;
		off += n;
	}
	return 0;
}

void http_reply_free(struct http_reply *rep)
{
	kfree(rep->head);
	kfree(rep->body);
	*rep = (struct http_reply){};
}

static int client_exchange(struct http_client *c, __be32 daddr, u16 port, const char *path,
			   const char *range, size_t cap, struct http_reply *rep)
{
	long head_len;
	int err;

	sock_set_rcvtimeo(c->sock, http_client_timeout_ms ?: 1);
	err = kernel_connect(c->sock, daddr, port, 0);
	if (!err)
		err = client_send_request(c, daddr, port, path, range);
	if (err)
		return err;
	head_len = client_read_head(c);
	if (head_len < 0)
		return (int)head_len;
	rep->head = kmalloc((size_t)head_len + 1, GFP_KERNEL);
	rep->body = kmalloc(cap ?: 1, GFP_KERNEL);
	if (!rep->head || !rep->body)
		return -ENOMEM;
	memcpy(rep->head, c->buf, (size_t)head_len);
	rep->head[head_len] = '\0';
	rep->head_len = (size_t)head_len;
	err = client_parse_head(rep->head, rep->head_len, rep);
	if (err)
		return err;
	/* What came after the head is the body's start. */
	c->have -= (size_t)head_len;
	memmove(c->buf, c->buf + head_len, c->have);
	return client_read_body(c, rep, cap);
}

int http_client_get(__be32 daddr, u16 port, const char *path, const char *range, size_t cap,
		    struct http_reply *rep)
{
	struct http_client c = {
		.deadline = jiffies + msecs_to_jiffies(http_client_timeout_ms),
	};
	int err;

	*rep = (struct http_reply){};
	if (strlen(path) > HTTP_CLIENT_PATH_MAX || (range && strlen(range) > HTTP_CLIENT_RANGE_MAX))
		return -ENAMETOOLONG;
	c.buf = kmalloc(CLIENT_BUF, GFP_KERNEL);
	if (!c.buf)
		return -ENOMEM;
	err = sock_create_tcp(&c.sock);
	if (!err) {
		err = client_exchange(&c, daddr, port, path, range, cap, rep);
		sock_release(c.sock);
	}
	kfree(c.buf);
	if (err)
		http_reply_free(rep);
	return err;
}

const char *http_client_strerror(int err)
{
	switch (err) {
	case -ECONNREFUSED:
		return "connection refused";
	case -ECONNRESET:
		return "connection reset by the server";
	case -ETIMEDOUT:
		return "timed out";
	case -ENETUNREACH:
		return "no route to the address";
	case -EPROTO:
		return "no status line (HTTP/1.x NNN) in the answer";
	case -EMSGSIZE:
		return "the answer's head is over 8 KiB";
	case -EBADMSG:
		return "bad Content-Length in the answer";
	case -ENODATA:
		return "the connection ended before the answer's head did";
	case -EPIPE:
		return "the connection ended before Content-Length bytes came";
	case -ENOMEM:
		return "out of memory";
	default:
		return strerror(-err);
	}
}

/* ---- the monitor ------------------------------------------------------------------------ */

/* "<a.b.c.d>[:<port>][/<path>]" into its parts; -EINVAL after one line saying what was wrong. */
static int client_parse_url(const char *arg, __be32 *daddr, u16 *port, const char **path)
{
	char host[24];
	const char *slash = strchr(arg, '/'), *colon;
	size_t hl = slash ? (size_t)(slash - arg) : strlen(arg);
	unsigned long long p = 80;

	if (hl >= sizeof(host))
		return monitor_bad_arg("http", "'%.*s' is not <a.b.c.d>[:<port>]", (int)hl, arg);
	memcpy(host, arg, hl);
	host[hl] = '\0';
	colon = strchr(host, ':');
	if (colon) {
		host[colon - host] = '\0';
		if (monitor_parse_uint("http", "a port", colon + 1, 1, 65535, &p))
			return -EINVAL;
	}
	if (ip4_parse(host, daddr))
		return monitor_bad_arg("http", "'%s' is not an address (a.b.c.d)", host);
	*port = (u16)p;
	*path = slash ? slash : "/";
	for (const char *s = *path; *s; s++)
		if (*s <= ' ' || *s >= 0x7f)
			return monitor_bad_arg("http",
					       "the path has a character that cannot be sent");
	return 0;
}

/* Print @len bytes as lines (a line longer than 200 characters in pieces). */
static void client_print_text(const char *p, size_t len)
{
	while (len) {
		const char *nl = memchr(p, '\n', len);
		size_t n = nl ? (size_t)(nl - p) : len;

		if (n > 200)
			n = 200;
		printk("%.*s\n", (int)(n && p[n - 1] == '\r' ? n - 1 : n), p);
		if (n < len && p[n] == '\n')
			n++;
		p += n;
		len -= n;
	}
}

/* Text: printable ASCII, tab, CR, LF.  UTF-8 counts as binary: the serial console is ASCII. */
static bool client_is_text(const u8 *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((p[i] < 0x20 || p[i] >= 0x7f) && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return false;
	return true;
}

static void client_hexdump(const u8 *p, size_t len)
{
	for (size_t off = 0; off < len; off += 16) {
		char line[96];
		int n = snprintf(line, sizeof(line), "%04zx:", off);

		for (size_t i = off; i < off + 16; i++)
			n += i < len ? snprintf(line + n, sizeof(line) - n, " %02x", p[i])
				     : snprintf(line + n, sizeof(line) - n, "   ");
		n += snprintf(line + n, sizeof(line) - n, "  ");
		for (size_t i = off; i < off + 16 && i < len; i++)
			line[n++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.';
		line[n] = '\0';
		printk("%s\n", line);
	}
}

/* The answer: head, an empty line, the body (text, or a count and a hexdump). */
static void client_print(const struct http_reply *rep)
{
	client_print_text(rep->head, rep->head_len);
	if (!rep->body_len)
		return;
	if (client_is_text(rep->body, rep->body_kept)) {
		client_print_text((const char *)rep->body, rep->body_kept);
		if (rep->body_len > rep->body_kept)
			printk("... %llu more bytes not shown (%llu in all)\n",
			       (unsigned long long)(rep->body_len - rep->body_kept),
			       (unsigned long long)rep->body_len);
	} else {
		printk("binary body: %llu bytes; the first %zu:\n",
		       (unsigned long long)rep->body_len,
		       rep->body_kept < HTTP_CLIENT_HEX_MAX ? rep->body_kept : HTTP_CLIENT_HEX_MAX);
		client_hexdump(rep->body, rep->body_kept < HTTP_CLIENT_HEX_MAX
						  ? rep->body_kept
						  : HTTP_CLIENT_HEX_MAX);
	}
	if (rep->chunked)
		printk("(Transfer-Encoding: the body as it came, not decoded)\n");
}

/* "bytes=<first>-<last>" into "<first>-<last>" in @range; -EINVAL after one line. */
static int client_parse_range(const char *arg, char *range, size_t size)
{
	unsigned long long first, last;
	char num[24];
	const char *dash;

	if (strncmp(arg, "bytes=", 6) || !(dash = strchr(arg + 6, '-')) ||
	    (size_t)(dash - arg - 6) >= sizeof(num))
		return monitor_bad_arg("http", "'%s' is not bytes=<first>-<last>", arg);
	memcpy(num, arg + 6, (size_t)(dash - arg - 6));
	num[dash - arg - 6] = '\0';
	if (monitor_parse_uint("http", "a byte offset", num, 0, ~0ULL >> 1, &first) ||
	    monitor_parse_uint("http", "a byte offset", dash + 1, 0, ~0ULL >> 1, &last))
		return -EINVAL;
	if (last < first)
		return monitor_bad_arg("http", "bytes %llu-%llu ends before it starts", first,
				       last);
	snprintf(range, size, "%llu-%llu", first, last);
	return 0;
}

int http_client_cmd(int argc, char **argv)
{
	char range[HTTP_CLIENT_RANGE_MAX + 1];
	struct http_reply rep;
	const char *path = "/";
	__be32 daddr = 0;
	u16 port = HTTP_PORT;
	int err;

	if (argc < 3)
		return monitor_bad_arg("http", "get needs <a.b.c.d>[:<port>][/<path>]");
	if (client_parse_url(argv[2], &daddr, &port, &path))
		return -EINVAL;
	if (argc > 3 && client_parse_range(argv[3], range, sizeof(range)))
		return -EINVAL;
	err = http_client_get(daddr, port, path, argc > 3 ? range : NULL, HTTP_CLIENT_SHOW_MAX,
			      &rep);
	if (err == -EINTR)
		return err;
	if (err) {
		printk("http get " IP4_FMT ":%u%s: %s\n", IP4_ARG(daddr), port, path,
		       http_client_strerror(err));
		return 0;
	}
	client_print(&rep);
	http_reply_free(&rep);
	return 0;
}
