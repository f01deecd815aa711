/*
 * SPDX-License-Identifier: MIT
 * net/http.c - an HTTP/1.1 server on port 80 (RFC 9110 semantics, RFC
 * 9112 message syntax): the monitor's views and the disks, for curl.
 *
 *   httpd            listens on port 80; accepts; a thread per connection,
 *                    at most http.conns (16) at once: one more gets 503
 *   httpd/<n>        reads a request head, answers, and again while the
 *                    connection is kept alive (HTTP/1.1's default)
 *
 * The life of a request (docs/http.md draws it):
 *
 *   http_read_head     bytes into the connection's buffer until the empty
 *                      line, within the limits (414, 431) and the time (408)
 *   http_parse_head    the request line and the fields, in place (400, 505)
 *   http_route         "/", "/proc/<view>", "/disk/<name>", else 404; the
 *                      method (501 unknown, 405 with Allow)
 *   http_get_view      the monitor command run with its printk captured
 *   http_get_disk      blkdev_issue_rw (bio chains by blk_make_request) in
 *                      64 KiB windows, each sent as it is read
 *   http_put_disk      the body read into the same windows, written, then
 *                      blkdev_issue_flush before the answer (403 without the token)
 *
 * Every answer has Content-Length, so a connection can carry the next
 * request; one whose framing is in doubt (a bad head, an unread body) is
 * answered "Connection: close" and closed gracefully: our FIN, then what
 * the client still sends is read and dropped for a while, so that a RST
 * does not destroy the answer before the client reads it (RFC 9112 9.6).
 * Every answer is counted by status; `http` at the monitor shows it all.
 * 3.10 has no HTTP server in the kernel; this one is ours: docs/linux-3.10.md#http
 */
#include <block/blkdev.h>
#include <block/genhd.h>
#include <errno.h>
#include <kernel/cmdline.h>
#include <kernel/err.h>
#include <kernel/init.h>
#include <kernel/monitor.h>
#include <kernel/mutex.h>
#include <kernel/perf.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <kernel/version.h>
#include <mm/slab.h>
#include <net/http.h>
#include <net/ip.h>
#include <net/socket.h>
#include <net/tcp.h>
#include <stdio.h>
#include <string.h>

#define HTTP_BUF       16384	  /* a request head: HTTP_LINE_MAX + HTTP_FIELDS_MAX fit */
#define HTTP_CHUNK     (64 << 10) /* a disk window: read (or written) then sent (or received) */
#define HTTP_VIEW_MAX  (1 << 20)  /* the largest /proc view */
#define HTTP_LINGER_MS 2000	  /* a closing connection's input is dropped this long */

unsigned int http_timeout_ms = 10000;
char http_token[HTTP_TOKEN_MAX + 1];
static long http_max_conns = HTTP_CONNS_DEFAULT;

/* Spelled out: the names have a dot (as ip.dev in net/inet_config.c). */
static const struct kernel_param __param_http_token __section(".cmdline_params") __used __aligned(
	8) = {
	.name = "http.token",
	.type = PARAM_STRING,
	.var = http_token,
	.max = sizeof(http_token),
	.help = "PUT /disk/<name> needs Authorization: Bearer <this> (default: none, no writes)",
};
static const struct kernel_param __param_http_conns __section(".cmdline_params")
	__used __aligned(8) = {
		.name = "http.conns",
		.type = PARAM_INT,
		.var = &http_max_conns,
		.min = 1,
		.max = HTTP_CONNS_MAX,
		.help = "HTTP connections served at once (default 16); one more gets 503",
	};

/* ---- counters and the connection table ---------------------------------------------- */

/* The answers counted, one counter each (http_status_count, `http`). */
static const int http_codes[] = { 100, 200, 206, 400, 403, 404, 405, 408, 411,
				  413, 414, 416, 417, 431, 500, 501, 503, 505 };
#define HTTP_NR_CODES ARRAY_SIZE(http_codes)

/* One connection, as `http` lists it. */
struct http_slot {
	bool used;
	__be32 addr;
	u16 port;
	unsigned long requests, in, out;
	const char *doing; /* "reading", "sending", "writing disk", ... */
};

static struct {
	struct socket *listener;
	struct http_slot slots[HTTP_CONNS_MAX];
	int active;
	unsigned long serial; /* names the threads */
	unsigned long status[HTTP_NR_CODES + 1];
	struct http_stats st;
} http;
static DEFINE_SPINLOCK(http_lock); /* http.slots */

/* One monitor view at a time: some commands keep their state in statics. */
static DEFINE_MUTEX(http_view_lock);

#define http_add(field, n) __atomic_add_fetch(&http.st.field, (n), __ATOMIC_RELAXED)

static void http_count_status(int code)
{
	size_t i = 0;

	while (i < HTTP_NR_CODES && http_codes[i] != code)
		i++;
	__atomic_add_fetch(&http.status[i], 1, __ATOMIC_RELAXED);
}

unsigned long http_status_count(int code)
{
	for (size_t i = 0; i < HTTP_NR_CODES; i++)
		if (http_codes[i] == code)
			return __atomic_load_n(&http.status[i], __ATOMIC_RELAXED);
	return 0;
}

int http_active(void)
{
	return __atomic_load_n(&http.active, __ATOMIC_RELAXED);
}

void http_stats_read(struct http_stats *st)
{
	*st = http.st;
	st->active = http_active();
	st->max_conns = (int)http_max_conns;
}

static const char *http_reason(int code)
{
	switch (code) {
	case 100:
		return "Continue";
	case 200:
		return "OK";
	case 206:
		return "Partial Content";
	case 400:
		return "Bad Request";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 408:
		return "Request Timeout";
	case 411:
		return "Length Required";
	case 413:
		return "Content Too Large";
	case 414:
		return "URI Too Long";
	case 416:
		return "Range Not Satisfiable";
	case 417:
		return "Expectation Failed";
	case 431:
		return "Request Header Fields Too Large";
	case 501:
		return "Not Implemented";
	case 503:
		return "Service Unavailable";
	case 505:
		return "HTTP Version Not Supported";
	default:
		return "Internal Server Error";
	}
}

/* ---- a connection ---------------------------------------------------------------------- */

struct http_conn {
	struct socket *sock;
	struct http_slot *slot;
	char *buf;   /* HTTP_BUF bytes: the head, then what came after it */
	size_t have; /* bytes in buf */
	u8 *chunk;   /* HTTP_CHUNK bytes for disk windows, allocated on first use */
};

/* The request, parsed: pointers into the connection's buffer. */
struct http_request {
	char *method, *path;
	int minor;		/* HTTP/1.<minor>: 0 or 1 */
	size_t head_len;	/* bytes of buf up to and with the empty line */
	int hosts;		/* Host fields seen */
	bool has_length;	/* Content-Length given ... */
	u64 length;		/* ... this */
	bool te;		/* Transfer-Encoding given: we read no chunked bodies */
	bool close, keep_alive; /* Connection: close / keep-alive */
	bool expect_continue, expect_other;
	const char *range, *content_range, *auth;
	bool body_read; /* the body (length bytes) has been consumed */
	bool head_only; /* HEAD: no body in the answer */
};

static void http_set_doing(struct http_conn *c, const char *what)
{
	WRITE_ONCE(c->slot->doing, what);
}

/*
 * Send all of @buf; 0 or the error (the connection is then useless).
 * @flags: MSG_MORE when the body follows at once, so the head and a small
 * body leave in one segment instead of the body waiting (Nagle) for the
 * client's ACK of the head.  In pieces of HTTP_SEND_MAX, so that a stalled
 * client holds at most one piece of a caller's buffer in the send queue.
 */
#define HTTP_SEND_MAX 16384
static int http_send_flags(struct http_conn *c, const void *buf, size_t len, int flags)
{
	for (size_t off = 0; off < len;) {
		size_t piece = len - off < HTTP_SEND_MAX ? len - off : HTTP_SEND_MAX;
		int n = kernel_sendmsg(c->sock, (const u8 *)buf + off, piece, flags);

		if (n <= 0)
			return n ? n : -EPIPE;
		off += (size_t)n;
		c->slot->out += (unsigned long)n;
		http_add(bytes_out, (unsigned long)n);
	}
	return 0;
}

static int http_send(struct http_conn *c, const void *buf, size_t len)
{
	return http_send_flags(c, buf, len, 0);
}

/* Blocking receives on @c wait at most @ms (at least 1). */
static void http_set_timeout(struct http_conn *c, unsigned long ms)
{
	sock_set_rcvtimeo(c->sock, ms ? (unsigned int)ms : 1);
}

/* Receive into @buf: the bytes, 0 at the end, -EAGAIN on the timeout, or an error. */
static int http_recv(struct http_conn *c, void *buf, size_t len)
{
	int n = kernel_recvmsg(c->sock, buf, len, 0);

	if (n > 0) {
		c->slot->in += (unsigned long)n;
		http_add(bytes_in, (unsigned long)n);
	}
	return n;
}

/*
 * The status line and the fields; @close adds "Connection: close", an
 * HTTP/1.0 client that asked to keep the connection gets "keep-alive".
 */
static int http_send_head(struct http_conn *c, const struct http_request *r, int status, u64 length,
			  const char *type, const char *extra, bool close)
{
	char head[640];
	int n;

	n = snprintf(head, sizeof(head),
		     "HTTP/1.1 %d %s\r\nServer: teachos\r\nContent-Length: %llu\r\n%s%s%s%s%s\r\n",
		     status, http_reason(status), (unsigned long long)length,
		     type ? "Content-Type: " : "", type ? type : "", type ? "\r\n" : "",
		     extra ? extra : "",
		     close		  ? "Connection: close\r\n"
		     : r && r->minor == 0 ? "Connection: keep-alive\r\n"
					  : "");
	http_count_status(status);
	/* A body follows unless there is none or it is a HEAD: hold the head for it. */
	return http_send_flags(c, head, (size_t)n, length && !(r && r->head_only) ? MSG_MORE : 0);
}

/* An answer whose body is "<code> <reason>\n" (none for HEAD); @extra: more fields. */
static int http_error(struct http_conn *c, const struct http_request *r, int status,
		      const char *extra, bool close)
{
	char body[64];
	int n = snprintf(body, sizeof(body), "%d %s\n", status, http_reason(status));
	int err = http_send_head(c, r, status, (u64)n, "text/plain", extra, close);

	if (!err && !(r && r->head_only))
		err = http_send(c, body, (size_t)n);
	return err;
}

/*
 * A graceful close: our FIN after the answer, then the client's bytes read
 * and dropped until it closes too or HTTP_LINGER_MS pass.  Closing with
 * unread input would send a RST, and a RST may make the client's TCP drop
 * the answer it has not read yet.
 */
static void http_linger(struct http_conn *c)
{
	unsigned long end = jiffies + msecs_to_jiffies(HTTP_LINGER_MS);

	kernel_sock_shutdown(c->sock, SHUT_WR);
	while (time_before(jiffies, end)) {
		http_set_timeout(c, jiffies_to_msecs(end - jiffies));
		if (kernel_recvmsg(c->sock, c->buf, HTTP_BUF, 0) <= 0)
			break;
	}
}

/* ---- reading the head ------------------------------------------------------------------ */

/* Drop the bytes before @off (the request just answered): what follows is the next one. */
static void http_consume(struct http_conn *c, size_t off)
{
	memmove(c->buf, c->buf + off, c->have - off);
	c->have -= off;
}

/* RFC 9112 2.2: empty lines before a request line are ignored. */
static void http_skip_empty_lines(struct http_conn *c)
{
	size_t i = 0;

	while (i < c->have && (c->buf[i] == '\n' ||
			       (c->buf[i] == '\r' && i + 1 < c->have && c->buf[i + 1] == '\n')))
		i += c->buf[i] == '\r' ? 2 : 1;
	if (i)
		http_consume(c, i);
}

/* http_head_end - see net/net_internal.h: the server's and the client's (http_client.c). */
size_t http_head_end(const char *b, size_t n, size_t from)
{
	for (size_t i = from; i + 1 < n; i++) {
		if (b[i] != '\n')
			continue;
		if (b[i + 1] == '\n')
			return i + 2;
		if (b[i + 1] == '\r' && i + 2 < n && b[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

#define HTTP_CLOSE_QUIETLY (-1) /* http_read_head: the client closed between requests */
#define HTTP_IDLE	   (-2) /* ... or stayed silent for http_timeout_ms */

/*
 * http_read_head - read until c->buf holds a whole request head.  Returns
 * 0 (its length in *@head_len), HTTP_CLOSE_QUIETLY (the client closed
 * between requests), HTTP_IDLE (it sent nothing for http_timeout_ms: a
 * keep-alive connection ends without a word), or the status that refuses it: 414 (the
 * request line passes HTTP_LINE_MAX), 431 (the fields pass
 * HTTP_FIELDS_MAX: RFC 6585 section 5; 413 is for content), 408 (not whole
 * within http_timeout_ms), 400 (the client ended it half sent).
 */
static int http_read_head(struct http_conn *c, size_t *head_len)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(http_timeout_ms);
	size_t scanned = 0, seen;

	http_set_doing(c, "reading");
	for (;;) {
		char *nl;
		int n;

		http_skip_empty_lines(c);
		*head_len = http_head_end(c->buf, c->have, scanned);
		scanned = c->have > 2 ? c->have - 2 : 0;
		/* The limits hold for what is here, or for the head if it is all here. */
		seen = *head_len ? *head_len : c->have;
		nl = memchr(c->buf, '\n', seen);
		if (nl ? nl - c->buf > HTTP_LINE_MAX : seen > HTTP_LINE_MAX)
			return 414;
		/* The fields, without the empty line's CRLF. */
		if (nl && seen - (size_t)(nl + 1 - c->buf) > HTTP_FIELDS_MAX + (*head_len ? 2 : 0))
			return 431;
		if (*head_len)
			return 0;
		if (!time_before(jiffies, deadline))
			return c->have ? 408 : HTTP_IDLE;
		http_set_timeout(c, jiffies_to_msecs(deadline - jiffies));
		n = http_recv(c, c->buf + c->have, HTTP_BUF - c->have);
		if (n == -EAGAIN)
			continue; /* the deadline decides */
		if (n <= 0)
			return c->have && n == 0 ? 400 : HTTP_CLOSE_QUIETLY;
		c->have += (size_t)n;
	}
}

/* ---- parsing the head (RFC 9112 sections 2-5) ------------------------------------------ */

/* RFC 9110 5.6.2: tchar. */
static bool http_tchar(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static bool http_token_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!http_tchar((unsigned char)*s))
			return false;
	return true;
}

/* A control character (but HTAB when @tab_ok) or DEL in @s? */
static bool http_has_ctl(const char *s, bool tab_ok)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch < 0x20 && !(tab_ok && ch == '\t')) || ch == 0x7f)
			return true;
	}
	return false;
}

/*
 * The request line: method SP request-target SP HTTP-version, single
 * spaces.  The target in origin form ("/path?query") or absolute form
 * ("http://host/path", RFC 9112 3.2.2: a server MUST accept it); the
 * query is ignored.  HTTP/1.x: 1.0 or 1.1 (a higher minor is read as 1.1,
 * RFC 9110 2.5); another major: 505.
 */
static int http_parse_request_line(char *line, struct http_request *r)
{
	char *sp1 = strchr(line, ' '), *sp2, *version, *target, *q;

	if (!sp1)
		return 400;
	*sp1 = '\0';
	target = sp1 + 1;
	sp2 = strchr(target, ' ');
	if (!sp2)
		return 400; /* HTTP/0.9's "GET /" is not served */
	*sp2 = '\0';
	version = sp2 + 1;
	if (!http_token_ok(line) || !*target || strchr(version, ' ') ||
	    http_has_ctl(target, false) || http_has_ctl(version, false))
		return 400;
	if (strncmp(version, "HTTP/", 5) || version[5] < '0' || version[5] > '9' ||
	    version[6] != '.' || version[7] < '0' || version[7] > '9' || version[8])
		return 400;
	if (version[5] != '1')
		return 505;
	r->minor = version[7] == '0' ? 0 : 1;
	r->method = line;
	if (!strncmp(target, "http://", 7)) {
		target = strchr(target + 7, '/');
		if (!target)
			target = "/";
	}
	if (target[0] != '/')
		return 400;
	q = strchr(target, '?');
	if (q)
		*q = '\0';
	r->path = target;
	return 0;
}

/* Case-insensitive: does the comma-separated list @v hold the token @tok? */
static bool http_list_has(const char *v, const char *tok)
{
	size_t len = strlen(tok);

	while (*v) {
		while (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		if (!strncasecmp(v, tok, len) &&
		    (v[len] == '\0' || v[len] == ',' || v[len] == ' ' || v[len] == '\t'))
			return true;
		v += strcspn(v, ",");
	}
	return false;
}

/*
 * Content-Length (RFC 9110 8.6, RFC 9112 6.3): digits; a list of equal
 * values (or several fields) is one value; anything else, or values that
 * differ, is a bad request.
 */
static int http_parse_length(const char *v, struct http_request *r)
{
	while (*v) {
		u64 n = 0;

		if (*v < '0' || *v > '9')
			return 400;
		for (; *v >= '0' && *v <= '9'; v++) {
			if (n > (~0ULL >> 4))
				return 400; /* no disk is that big */
			n = n * 10 + (u64)(*v - '0');
		}
		if (r->has_length && n != r->length)
			return 400;
		r->has_length = true;
		r->length = n;
		while (*v == ' ' || *v == '\t')
			v++;
		if (*v == ',') {
			v++;
			while (*v == ' ' || *v == '\t')
				v++;
			if (!*v)
				return 400;
		} else if (*v) {
			return 400;
		}
	}
	return 0;
}

/* One field line "name: value" (NUL-terminated, CR gone): checked, and noted if we use it. */
static int http_parse_field(char *line, struct http_request *r)
{
	char *colon = strchr(line, ':'), *v, *end;

	if (line[0] == ' ' || line[0] == '\t')
		return 400; /* obsolete line folding (RFC 9112 5.2) */
	if (!colon)
		return 400;
	*colon = '\0';
	if (!http_token_ok(line)) /* also "Host : x", which RFC 9112 5.1 MUST refuse */
		return 400;
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	end = v + strlen(v);
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (http_has_ctl(v, true))
		return 400;
	if (!strcasecmp(line, "host"))
		r->hosts++;
	else if (!strcasecmp(line, "content-length"))
		return http_parse_length(v, r);
	else if (!strcasecmp(line, "transfer-encoding"))
		r->te = true;
	else if (!strcasecmp(line, "connection")) {
		r->close |= http_list_has(v, "close");
		r->keep_alive |= http_list_has(v, "keep-alive");
	} else if (!strcasecmp(line, "expect")) {
		if (!strcasecmp(v, "100-continue"))
			r->expect_continue = true;
		else
			r->expect_other = true;
	} else if (!strcasecmp(line, "range"))
		r->range = v;
	else if (!strcasecmp(line, "content-range"))
		r->content_range = v;
	else if (!strcasecmp(line, "authorization"))
		r->auth = v;
	return 0;
}

/*
 * http_parse_head - the head in c->buf[0..head_len), cut into lines in
 * place (LF ends a line, a CR before it is dropped: RFC 9112 2.2; any other
 * CR or NUL is a bad request).  Returns 0 or the status refusing it.
 */
static int http_parse_head(struct http_conn *c, size_t head_len, struct http_request *r)
{
	char *p = c->buf, *end = c->buf + head_len;
	bool first = true;
	int err;

	*r = (struct http_request){ .head_len = head_len };
	if (memchr(p, '\0', head_len))
		return 400;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		*nl = '\0';
		if (nl > p && nl[-1] == '\r')
			nl[-1] = '\0';
		if (!*p) /* the empty line */
			break;
		if (strchr(p, '\r'))
			return 400; /* a bare CR */
		err = first ? http_parse_request_line(p, r) : http_parse_field(p, r);
		if (err)
			return err;
		first = false;
		p = nl + 1;
	}
	if (r->minor == 1 && r->hosts != 1)
		return 400; /* RFC 9112 3.2: exactly one Host in HTTP/1.1 */
	if (r->hosts > 1)
		return 400;
	return 0;
}

/* ---- bodies ------------------------------------------------------------------------------ */

/*
 * Take up to @len body bytes into @dst: those already in c->buf first,
 * then from the socket, each receive waiting at most http_timeout_ms.
 * Returns the bytes, 0 at the end of the stream, or an error.
 */
static int http_body_read(struct http_conn *c, struct http_request *r, void *dst, size_t len)
{
	size_t have = c->have - r->head_len;

	if (have) {
		size_t n = have < len ? have : len;

		memcpy(dst, c->buf + r->head_len, n);
		memmove(c->buf + r->head_len, c->buf + r->head_len + n, have - n);
		c->have -= n;
		return (int)n;
	}
	http_set_timeout(c, http_timeout_ms);
	return http_recv(c, dst, len);
}

/* Read exactly @len body bytes into @dst: 0, or an error (-EPIPE: the stream ended). */
static int http_body_read_all(struct http_conn *c, struct http_request *r, void *dst, size_t len)
{
	for (size_t got = 0; got < len;) {
		int n = http_body_read(c, r, (u8 *)dst + got, len - got);

		if (n <= 0)
			return n ? n : -EPIPE;
		got += (size_t)n;
	}
	return 0;
}

/* A small body nobody wants (GET with content): read and dropped.  0, or an error. */
static int http_body_discard(struct http_conn *c, struct http_request *r)
{
	u8 sink[256];

	for (u64 left = r->length; left;) {
		int n = http_body_read(c, r, sink,
				       left < sizeof(sink) ? (size_t)left : sizeof(sink));

		if (n <= 0)
			return n ? n : -EPIPE;
		left -= (u64)n;
	}
	r->body_read = true;
	return 0;
}

/*
 * Must an answer that leaves the body unread close the connection?  When
 * asked to, or when the body is too big to drop, or the client waits for
 * 100 Continue before sending it (then it may never come).
 */
static bool http_error_closes(const struct http_request *r)
{
	return r->close || (r->length && (r->length > HTTP_BODY_DISCARD_MAX || r->expect_continue));
}

/* ---- ranges (RFC 9110 14) ------------------------------------------------------------------ */

/* Digits at *@s into *@n (advancing *@s); false if none, or too many. */
static bool http_number(const char **s, u64 *n)
{
	const char *p = *s;

	*n = 0;
	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (*n > (~0ULL >> 4))
			return false;
		*n = *n * 10 + (u64)(*p - '0');
	}
	*s = p;
	return true;
}

#define HTTP_RANGE_NONE	 0    /* no Range, or one we ignore: the whole thing (200) */
#define HTTP_RANGE_OK	 1    /* [*first, *last] of it (206) */
#define HTTP_RANGE_UNSAT (-1) /* nothing of it (416) */

/*
 * One byte range of a thing of @size bytes: "bytes=a-b", "bytes=a-",
 * "bytes=-n".  Syntax we do not take (other units, several ranges, b < a)
 * is ignored, as RFC 9110 14.2 allows: the whole thing goes.  A range
 * starting past the end, or "-0", cannot be satisfied; b past the end is
 * cut to it.
 */
static int http_parse_range(const char *v, u64 size, u64 *first, u64 *last)
{
	u64 a, b;

	if (!v || strncasecmp(v, "bytes=", 6))
		return HTTP_RANGE_NONE;
	v += 6;
	if (*v == '-') {
		v++;
		if (!http_number(&v, &b) || *v)
			return HTTP_RANGE_NONE;
		if (!b || !size)
			return HTTP_RANGE_UNSAT;
		*first = b >= size ? 0 : size - b;
		*last = size - 1;
		return HTTP_RANGE_OK;
	}
	if (!http_number(&v, &a) || *v++ != '-')
		return HTTP_RANGE_NONE;
	if (!*v) {
		b = size ? size - 1 : 0;
	} else if (!http_number(&v, &b) || *v || b < a) {
		return HTTP_RANGE_NONE;
	}
	if (a >= size)
		return HTTP_RANGE_UNSAT;
	*first = a;
	*last = b >= size ? size - 1 : b;
	return HTTP_RANGE_OK;
}

/* ---- what is served ------------------------------------------------------------------------ */

/* /proc/<view>: the monitor command that shows it (Linux's file names). */
static const struct {
	const char *path, *cmd;
} http_views[] = {
	{ "/proc/meminfo", "meminfo" },	      { "/proc/slabinfo", "slabinfo" },
	{ "/proc/buddyinfo", "buddyinfo" },   { "/proc/zoneinfo", "zoneinfo" },
	{ "/proc/interrupts", "interrupts" }, { "/proc/version", "version" },
	{ "/proc/uptime", "uptime" },	      { "/proc/cmdline", "cmdline" },
	{ "/proc/net/dev", "ifconfig" },      { "/proc/net/snmp", "netstat" },
	{ "/proc/net/http", "http" },
};

/*
 * Send @len bytes of @text: all (200), or the span Range asks for (206,
 * with Content-Range), or 416.  The body is left out for HEAD.
 */
static int http_send_text(struct http_conn *c, struct http_request *r, const char *text, size_t len,
			  const char *type)
{
	char extra[96];
	u64 first = 0, last = len ? len - 1 : 0;
	int rg = r->head_only ? HTTP_RANGE_NONE : http_parse_range(r->range, len, &first, &last);
	int err;

	if (rg == HTTP_RANGE_UNSAT) {
		snprintf(extra, sizeof(extra), "Content-Range: bytes */%zu\r\n", len);
		return http_error(c, r, 416, extra, false);
	}
	if (rg == HTTP_RANGE_OK) {
		snprintf(extra, sizeof(extra),
			 "Accept-Ranges: bytes\r\nContent-Range: bytes %llu-%llu/%zu\r\n",
			 (unsigned long long)first, (unsigned long long)last, len);
		err = http_send_head(c, r, 206, last - first + 1, type, extra, r->close);
	} else {
		err = http_send_head(c, r, 200, len, type, "Accept-Ranges: bytes\r\n", r->close);
		last = len ? len - 1 : 0;
	}
	if (err || r->head_only || !len)
		return err;
	return http_send(c, text + first, (size_t)(last - first + 1));
}

/*
 * A monitor view: the command run with its output captured (monitor_capture),
 * into a buffer that grows until all of it fits.
 */
static int http_get_view(struct http_conn *c, struct http_request *r, const char *cmd)
{
	size_t size = 4096, wanted = 0;
	char *text;
	int err;

	http_set_doing(c, "viewing");
	for (;;) {
		text = kmalloc(size, GFP_KERNEL);
		if (!text)
			return http_error(c, r, 500, NULL, r->close);
		mutex_lock(&http_view_lock);
		monitor_capture(cmd, text, size, &wanted);
		mutex_unlock(&http_view_lock);
		if (wanted < size || size >= HTTP_VIEW_MAX)
			break;
		kfree(text);
		size = wanted + 4096 > HTTP_VIEW_MAX ? HTTP_VIEW_MAX : wanted + 4096;
	}
	http_set_doing(c, "sending");
	err = http_send_text(c, r, text, strlen(text), "text/plain; charset=utf-8");
	kfree(text);
	return err;
}

struct http_index {
	char *buf;
	size_t size, len;
};

/* disk_for_each's callback (registry lock held: no sleeping): one line per disk. */
static int http_index_disk(struct gendisk *disk, void *arg)
{
	struct http_index *ix = arg;
	int n = snprintf(ix->buf + ix->len, ix->size - ix->len,
			 "/disk/%-16s %llu bytes: GET and HEAD, with Range; PUT with the token\n",
			 disk->disk_name, (unsigned long long)get_capacity(disk) << SECTOR_SHIFT);

	if (n > 0 && (size_t)n < ix->size - ix->len)
		ix->len += (size_t)n;
	return 0;
}

/* GET /: what is served. */
static int http_get_index(struct http_conn *c, struct http_request *r)
{
	struct http_index ix = { .size = 4096 };
	int err;

	ix.buf = kmalloc(ix.size, GFP_KERNEL);
	if (!ix.buf)
		return http_error(c, r, 500, NULL, r->close);
	ix.len = (size_t)snprintf(ix.buf, ix.size, "%s\nHTTP/1.1 on port %d (docs/http.md)\n\n",
				  kernel_banner, HTTP_PORT);
	for (size_t i = 0; i < ARRAY_SIZE(http_views) && ix.len < ix.size; i++)
		ix.len += (size_t)snprintf(ix.buf + ix.len, ix.size - ix.len,
					   "%-22s the monitor's '%s'\n", http_views[i].path,
					   http_views[i].cmd);
	if (ix.len < ix.size)
		disk_for_each(http_index_disk, &ix)
			;
	if (ix.len >= ix.size)
		ix.len = ix.size - 1;
	err = http_send_text(c, r, ix.buf, ix.len, "text/plain; charset=utf-8");
	kfree(ix.buf);
	return err;
}

/* The connection's disk window buffer (direct-map pages, as blkdev_issue_rw wants). */
static u8 *http_chunk(struct http_conn *c)
{
	if (!c->chunk)
		c->chunk = kmalloc(HTTP_CHUNK, GFP_KERNEL);
	return c->chunk;
}

/* An I/O error: counted, said (at most once a second), and returned. */
static int http_disk_error(struct gendisk *disk, const char *what, u64 pos, int err)
{
	static struct ratelimit_state rs;

	http_add(disk_errors, 1);
	if (__ratelimit(&rs, 1000, 1))
		pr_warn("http: %s of %s at byte %llu failed: error %d\n", what, disk->disk_name,
			(unsigned long long)pos, err);
	return err;
}

DEFINE_PERF_LAYER(perf_http_disk, "http disk read");

/*
 * GET /disk/<name>: bytes [first, last] read in windows of HTTP_CHUNK
 * aligned to the logical block size, by blkdev_issue_rw (bio chains made
 * by blk_make_request, bounced where the queue needs it), each window sent
 * before the next is read.  An I/O error after the head went out can only
 * end the connection: the client sees fewer bytes than Content-Length.
 */

static int http_stream_disk(struct http_conn *c, struct gendisk *disk, u64 first, u64 last)
{
	unsigned int lbs = bdev_logical_block_size(&disk->bdev);
	u8 *buf = http_chunk(c);

	if (!buf)
		return -ENOMEM;
	for (u64 pos = first; pos <= last;) {
		u64 ws = pos - pos % lbs, end = last + 1;
		size_t wlen = HTTP_CHUNK, off = (size_t)(pos - ws), n;
		int err;

		if (ws + wlen > ((end + lbs - 1) / lbs) * lbs)
			wlen = (size_t)(((end + lbs - 1) / lbs) * lbs - ws);
		http_set_doing(c, "reading disk");
		err = perf_call(&perf_http_disk,
				blkdev_issue_rw(&disk->bdev, READ, ws >> SECTOR_SHIFT, buf, wlen,
						GFP_KERNEL, NULL));
		if (err)
			return http_disk_error(disk, "read", ws, err);
		n = wlen - off;
		if (pos + n > end)
			n = (size_t)(end - pos);
		http_add(disk_read, n);
		http_set_doing(c, "sending");
		err = http_send(c, buf + off, n);
		if (err)
			return err;
		pos += n;
	}
	return 0;
}

static int http_get_disk(struct http_conn *c, struct http_request *r, struct gendisk *disk)
{
	u64 size = (u64)get_capacity(disk) << SECTOR_SHIFT, first = 0, last = size - 1;
	int rg = r->head_only ? HTTP_RANGE_NONE : http_parse_range(r->range, size, &first, &last);
	const char *type = "application/octet-stream";
	char extra[128];
	int err;

	if (rg == HTTP_RANGE_UNSAT) {
		snprintf(extra, sizeof(extra), "Content-Range: bytes */%llu\r\n",
			 (unsigned long long)size);
		return http_error(c, r, 416, extra, false);
	}
	if (rg == HTTP_RANGE_OK) {
		snprintf(extra, sizeof(extra),
			 "Accept-Ranges: bytes\r\nContent-Range: bytes %llu-%llu/%llu\r\n",
			 (unsigned long long)first, (unsigned long long)last,
			 (unsigned long long)size);
		err = http_send_head(c, r, 206, last - first + 1, type, extra, r->close);
	} else {
		err = http_send_head(c, r, 200, size, type, "Accept-Ranges: bytes\r\n", r->close);
	}
	if (err || r->head_only || !size)
		return err;
	return http_stream_disk(c, disk, first, last);
}

/*
 * Constant time in the contents (RFC 6750's token is a secret): every
 * byte up to HTTP_TOKEN_MAX is compared, whatever differs first.  Only the
 * lengths, which the client chose, shape the loop.
 */
static bool http_token_equal(const char *given, size_t glen, const char *token, size_t tlen)
{
	unsigned int diff = glen != tlen;

	for (size_t i = 0; i < HTTP_TOKEN_MAX; i++) {
		u8 a = i < glen ? (u8)given[i] : 0, b = i < tlen ? (u8)token[i] : 0;

		diff |= a ^ b;
	}
	return diff == 0 && tlen > 0;
}

/* May this request write?  Writing is on (http.token=) and it carries "Bearer <token>". */
static bool http_authorized(const struct http_request *r)
{
	const char *v = r->auth;

	if (!http_token[0] || !v || strncasecmp(v, "Bearer ", 7))
		return false;
	for (v += 7; *v == ' '; v++)
		;
	return http_token_equal(v, strnlen(v, HTTP_TOKEN_MAX + 1), http_token,
				strnlen(http_token, HTTP_TOKEN_MAX));
}

/*
 * Where a PUT writes: "Content-Range: bytes a-b/<size or *>", or,
 * without one, from byte 0.  0, or the status refusing it (400: syntax, or
 * a span that is not Content-Length bytes; 416: past the end).
 */
static int http_put_span(const struct http_request *r, u64 size, u64 *first)
{
	const char *v = r->content_range;
	u64 a, b, total;

	*first = 0;
	if (!v)
		return r->length > size ? 416 : 0;
	if (strncasecmp(v, "bytes ", 6))
		return 400;
	v += 6;
	if (!http_number(&v, &a) || *v++ != '-' || !http_number(&v, &b) || *v++ != '/' || b < a)
		return 400;
	if (!(v[0] == '*' && !v[1]) && (!http_number(&v, &total) || *v))
		return 400;
	if (b - a + 1 != r->length)
		return 400;
	if (b >= size)
		return 416;
	*first = a;
	return 0;
}

/*
 * The body into the disk at @first, window by window: a window's partial
 * first and last blocks are read first (read, modify, write), the body
 * bytes received into it, the window written.  Then the disk's cache is
 * flushed: only then is the answer sent.
 */
static int http_write_disk(struct http_conn *c, struct http_request *r, struct gendisk *disk,
			   u64 first)
{
	unsigned int lbs = bdev_logical_block_size(&disk->bdev);
	u8 *buf = http_chunk(c);
	u64 pos = first, end = first + r->length;
	int err;

	if (!buf)
		return -ENOMEM;
	while (pos < end) {
		u64 ws = pos - pos % lbs;
		size_t head = (size_t)(pos - ws), n = HTTP_CHUNK - head, wlen;

		err = 0;
		if (n > end - pos)
			n = (size_t)(end - pos);
		wlen = (size_t)(((pos + n + lbs - 1) / lbs) * lbs - ws);
		http_set_doing(c, "writing disk");
		if (head)
			err = blkdev_issue_rw(&disk->bdev, READ, ws >> SECTOR_SHIFT, buf, lbs,
					      GFP_KERNEL, NULL);
		if (!err && (pos + n) % lbs && (wlen > lbs || !head))
			err = blkdev_issue_rw(&disk->bdev, READ, (ws + wlen - lbs) >> SECTOR_SHIFT,
					      buf + wlen - lbs, lbs, GFP_KERNEL, NULL);
		if (!err) {
			http_set_doing(c, "receiving");
			err = http_body_read_all(c, r, buf + head, n);
		}
		if (err == -EPIPE || err == -EAGAIN || err == -ECONNRESET)
			return err; /* the client's end, not the disk's */
		if (!err)
			err = blkdev_issue_rw(&disk->bdev, WRITE, ws >> SECTOR_SHIFT, buf, wlen,
					      GFP_KERNEL, NULL);
		if (err)
			return http_disk_error(disk, "write", ws, err);
		http_add(disk_written, n);
		pos += n;
	}
	r->body_read = true;
	err = blkdev_issue_flush(&disk->bdev, GFP_KERNEL, NULL);
	return err ? http_disk_error(disk, "flush", 0, err) : 0;
}

static int http_put_disk(struct http_conn *c, struct http_request *r, struct gendisk *disk)
{
	u64 size = (u64)get_capacity(disk) << SECTOR_SHIFT, first;
	char extra[96], body[96];
	int st, err, n;

	if (!http_authorized(r))
		return http_error(c, r, 403, NULL, http_error_closes(r));
	if (!r->has_length) /* nor Transfer-Encoding: an empty body (RFC 9112 6.3) */
		return http_error(c, r, 411, NULL, r->close);
	st = http_put_span(r, size, &first);
	if (st) {
		snprintf(extra, sizeof(extra), "Content-Range: bytes */%llu\r\n",
			 (unsigned long long)size);
		return http_error(c, r, st, st == 416 ? extra : NULL, http_error_closes(r));
	}
	if (r->expect_continue) {
		static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";

		http_count_status(100);
		err = http_send(c, cont, sizeof(cont) - 1);
		if (err)
			return err;
	}
	err = http_write_disk(c, r, disk, first);
	if (err == -EPIPE || err == -EAGAIN || err == -ECONNRESET)
		return err; /* the client went away or stalled: nobody to answer */
	if (err)
		return http_error(c, r, 500, NULL, true);
	n = snprintf(body, sizeof(body), "wrote %llu bytes at %llu, flushed\n",
		     (unsigned long long)r->length, (unsigned long long)first);
	err = http_send_head(c, r, 200, (u64)n, "text/plain", NULL, r->close);
	return err ? err : http_send(c, body, (size_t)n);
}

/* ---- routing ------------------------------------------------------------------------------ */

enum http_method {
	M_GET,
	M_HEAD,
	M_PUT,
	M_OTHER_KNOWN,
	M_UNKNOWN
};

/* RFC 9110 9.3's methods (and PATCH): known; we implement three of them. */
static enum http_method http_method(const char *m)
{
	static const char *const known[] = { "POST",	"DELETE", "CONNECT",
					     "OPTIONS", "TRACE",  "PATCH" };

	if (!strcmp(m, "GET"))
		return M_GET;
	if (!strcmp(m, "HEAD"))
		return M_HEAD;
	if (!strcmp(m, "PUT"))
		return M_PUT;
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (!strcmp(m, known[i]))
			return M_OTHER_KNOWN;
	return M_UNKNOWN;
}

/*
 * Answer one parsed request.  Returns 0 if the connection may carry the
 * next one, else < 0 (an error, or the answer said "Connection: close").
 */
static int http_route(struct http_conn *c, struct http_request *r)
{
	enum http_method m = http_method(r->method);
	struct gendisk *disk = NULL;
	const char *view = NULL, *allow;
	int err;

	/* HTTP/1.0 closes unless asked not to; 1.1 keeps the connection unless asked to close. */
	r->close |= r->minor == 0 && !r->keep_alive;
	r->head_only = m == M_HEAD;
	if (m == M_UNKNOWN)
		return http_error(c, r, 501, NULL, true) ?: -1;
	if (r->te) /* a chunked body we cannot read: its framing is lost (RFC 9112 6.1) */
		return http_error(c, r, 501, NULL, true) ?: -1;
	if (r->expect_other)
		return http_error(c, r, 417, NULL, true) ?: -1;
	for (size_t i = 0; i < ARRAY_SIZE(http_views); i++)
		if (!strcmp(r->path, http_views[i].path))
			view = http_views[i].cmd;
	if (!strncmp(r->path, "/disk/", 6))
		disk = get_gendisk_by_name(r->path + 6);
	if (!view && !disk && strcmp(r->path, "/")) {
		err = http_error(c, r, 404, NULL, http_error_closes(r));
		goto done;
	}
	allow = disk ? "Allow: GET, HEAD, PUT\r\n" : "Allow: GET, HEAD\r\n";
	if (m == M_OTHER_KNOWN || (m == M_PUT && !disk)) {
		err = http_error(c, r, 405, allow, http_error_closes(r));
		goto done;
	}
	if (m == M_PUT) {
		err = http_put_disk(c, r, disk);
		goto done;
	}
	/* GET or HEAD: a body means nothing; a small one is dropped, a big one refused. */
	if (r->length > HTTP_BODY_DISCARD_MAX)
		return http_error(c, r, 413, NULL, true) ?: -1;
	err = http_body_discard(c, r);
	if (err)
		return err;
	if (disk)
		err = http_get_disk(c, r, disk);
	else if (view)
		err = http_get_view(c, r, view);
	else
		err = http_get_index(c, r);
done:
	if (!err && r->length && !r->body_read) /* answered without reading the body */
		err = http_error_closes(r) ? -1 : http_body_discard(c, r);
	return err ?: (r->close ? -1 : 0);
}

/* ---- the threads ------------------------------------------------------------------------- */

/* One connection: requests until it closes, fails, or stays idle too long. */
static void http_serve(struct http_conn *c)
{
	for (;;) {
		struct http_request r;
		size_t head_len;
		int st = http_read_head(c, &head_len);

		if (st == HTTP_IDLE)
			http_add(idle_closed, 1);
		if (st == HTTP_CLOSE_QUIETLY || st == HTTP_IDLE)
			return;
		if (!st) {
			http_add(requests, 1);
			c->slot->requests++;
			st = http_parse_head(c, head_len, &r);
		}
		if (st) { /* the head is refused: its framing cannot be trusted */
			http_error(c, NULL, st, NULL, true);
			http_linger(c);
			return;
		}
		/* A client that reads nothing for this long loses its connection. */
		sock_set_sndtimeo(c->sock, http_timeout_ms);
		if (http_route(c, &r)) {
			http_linger(c);
			return;
		}
		http_consume(c, r.head_len);
	}
}

static int http_conn_thread(void *arg)
{
	struct http_conn *c = arg;

	c->buf = kmalloc(HTTP_BUF, GFP_KERNEL);
	if (c->buf)
		http_serve(c);
	kfree(c->chunk);
	kfree(c->buf);
	sock_release(c->sock);
	spin_lock_bh(&http_lock);
	c->slot->used = false;
	spin_unlock_bh(&http_lock);
	kfree(c);
	__atomic_sub_fetch(&http.active, 1, __ATOMIC_RELEASE);
	return 0;
}

/* A free slot for a new connection from @sock's peer, or NULL: the limit is reached. */
static struct http_slot *http_take_slot(struct socket *sock)
{
	struct tcp_sock *tp = tcp_sk(sock->sk);
	struct http_slot *slot = NULL;

	spin_lock_bh(&http_lock);
	for (int i = 0; i < (int)READ_ONCE(http_max_conns) && !slot; i++)
		if (!http.slots[i].used)
			slot = &http.slots[i];
	if (slot) {
		*slot = (struct http_slot){ .used = true,
					    .addr = tp->inet_daddr,
					    .port = tp->inet_dport,
					    .doing = "starting" };
		__atomic_add_fetch(&http.active, 1, __ATOMIC_RELAXED);
	}
	spin_unlock_bh(&http_lock);
	return slot;
}

/*
 * The limit is reached: 503 at once, from the listener (no thread for
 * it).  What the client sent is read for a moment first, so that the
 * answer follows its request, then the connection is closed gracefully.
 */
static void http_refuse(struct socket *sock)
{
	static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nServer: teachos\r\n"
				   "Content-Length: 24\r\nRetry-After: 1\r\nConnection: close\r\n"
				   "\r\n503 Service Unavailable\n";
	char sink[512];

	sock_set_rcvtimeo(sock, 100);
	sock_set_sndtimeo(sock, 100);
	kernel_recvmsg(sock, sink, sizeof(sink), 0);
	http_count_status(503);
	if (kernel_sendmsg(sock, busy, sizeof(busy) - 1, 0) > 0)
		http_add(bytes_out, sizeof(busy) - 1);
	kernel_sock_shutdown(sock, SHUT_WR);
	sock_set_rcvtimeo(sock, 200);
	while (kernel_recvmsg(sock, sink, sizeof(sink), 0) > 0)
		;
	sock_release(sock);
}

static int http_listen_thread(void *arg)
{
	(void)arg;
	for (;;) {
		struct socket *sock;
		struct http_conn *c;
		struct task_struct *t;

		if (kernel_accept(http.listener, &sock, 0))
			continue;
		c = kzalloc(sizeof(*c), GFP_KERNEL);
		if (c)
			c->slot = http_take_slot(sock);
		if (!c || !c->slot) {
			kfree(c);
			http_refuse(sock);
			continue;
		}
		c->sock = sock;
		t = kthread_create(http_conn_thread, c, "httpd/%lu", http.serial++ % 1000);
		if (IS_ERR(t)) {
			spin_lock_bh(&http_lock);
			c->slot->used = false;
			spin_unlock_bh(&http_lock);
			__atomic_sub_fetch(&http.active, 1, __ATOMIC_RELAXED);
			kfree(c);
			http_refuse(sock);
			continue;
		}
		http_add(conns, 1);
		wake_up_process(t);
	}
	return 0;
}

static int http_start(void)
{
	struct task_struct *t;
	int err = sock_create_tcp(&http.listener);

	if (!err)
		err = kernel_bind(http.listener, HTTP_PORT);
	if (!err)
		err = kernel_listen(http.listener, HTTP_CONNS_MAX);
	if (!err) {
		t = kthread_run(http_listen_thread, NULL, "httpd");
		err = IS_ERR(t) ? (int)PTR_ERR(t) : 0;
	}
	if (err) {
		sock_release(http.listener);
		http.listener = NULL;
		pr_warn("net: no HTTP server: error %d\n", err);
		return err;
	}
	pr_info("net: HTTP server on port %d (%ld connections; writes %s)\n", HTTP_PORT,
		http_max_conns, http_token[0] ? "with the token" : "off");
	return 0;
}
late_initcall(http_start);

/* ---- the monitor --------------------------------------------------------------------------- */

static int cmd_http(int argc, char **argv)
{
	struct http_stats st;
	struct http_slot snap[HTTP_CONNS_MAX];
	int n = 0;

	if (monitor_check_args(argc, argv, 0, 3))
		return -EINVAL;
	if (argc > 1 && strcmp(argv[1], "get"))
		return monitor_bad_arg(argv[0], "unknown subcommand '%s' (only 'get')", argv[1]);
	if (argc > 1)
		return http_client_cmd(argc, argv); /* net/http_client.c */
	http_stats_read(&st);
	printk("HTTP on port %d: %d connections now (at most %d), %lu served, writes %s\n",
	       HTTP_PORT, st.active, st.max_conns, st.conns,
	       http_token[0] ? "need the token" : "off (no http.token=)");
	printk("requests %lu, idle closed %lu, bytes in %lu out %lu, disk read %lu written %lu\n",
	       st.requests, st.idle_closed, st.bytes_in, st.bytes_out, st.disk_read,
	       st.disk_written);
	printk("answers by status:");
	for (size_t i = 0; i < HTTP_NR_CODES; i++)
		printk(KERN_CONT "%s %d %lu",
		       i % 6 ? ","
		       : i   ? "\n "
			     : "",
		       http_codes[i], __atomic_load_n(&http.status[i], __ATOMIC_RELAXED));
	printk(KERN_CONT "\n");
	spin_lock_bh(&http_lock);
	for (int i = 0; i < HTTP_CONNS_MAX; i++)
		if (http.slots[i].used)
			snap[n++] = http.slots[i];
	spin_unlock_bh(&http_lock);
	for (int i = 0; i < n; i++)
		printk("  " IP4_FMT ":%u  requests %lu  in %lu  out %lu  %s\n",
		       IP4_ARG(snap[i].addr), snap[i].port, snap[i].requests, snap[i].in,
		       snap[i].out, snap[i].doing);
	return 0;
}
MONITOR_CMD(http, "http [get <a.b.c.d>[:<port>][/<path>] [bytes=<first>-<last>]]",
	    "the HTTP server: answers by status, connections now; get: fetch from a server",
	    cmd_http);
