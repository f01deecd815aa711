/*
 * SPDX-License-Identifier: MIT
 * net/http.h - the HTTP/1.1 server on port 80 (RFC 9110, RFC 9112;
 * net/http.c, docs/http.md): what it serves, its limits, what it counts.
 *
 *   GET|HEAD /                  an index of what is served
 *   GET|HEAD /proc/<view>       a monitor command's output as text (meminfo...)
 *   GET|HEAD /disk/<name>       a disk's bytes (Range: one span), read through bio chains
 *   PUT /disk/<name>            write it (Content-Range: bytes a-b/<size or *>), answered once
 *                               flushed; only with http.token= and its Bearer token
 *
 * And a client for the monitor: `http get <a.b.c.d>[:<port>][/<path>]`
 * (net/http_client.c, http_client_get).
 *
 * 3.10 has no HTTP server in the kernel (khttpd left in 2.5, TUX was never
 * merged): this one is ours (docs/linux-3.10.md#http).
 */
#ifndef NET_HTTP_H
#define NET_HTTP_H

#include <kernel/types.h>
#include <net/byteorder.h>

#define HTTP_PORT 80

/*
 * The limits.  A request line up to 8000 octets (RFC 9112 section 3
 * recommends at least that much), then at most 8 KiB of header fields, then
 * a body: for PUT as long as the disk, for anything else 64 KiB at most
 * (read and dropped: GET's body has no meaning).
 */
#define HTTP_LINE_MAX	      8000
#define HTTP_FIELDS_MAX	      8192
#define HTTP_BODY_DISCARD_MAX 65536
#define HTTP_CONNS_DEFAULT    16 /* http.conns= changes it (1..HTTP_CONNS_MAX) */
#define HTTP_CONNS_MAX	      64
#define HTTP_TOKEN_MAX	      64 /* http.token= is at most this long */

/*
 * How long a client may take: the whole request head must arrive within
 * it, and each piece of a body, and a keep-alive connection may stay idle
 * that long.  Then 408 (or, idle, a silent close).  Tests shorten it.
 */
extern unsigned int http_timeout_ms;

/* http.token=: PUT needs "Authorization: Bearer <it>"; empty: writing is off.  Tests set it. */
extern char http_token[HTTP_TOKEN_MAX + 1];

/* What the server has done since boot (http_stats_read). */
struct http_stats {
	unsigned long conns;	   /* connections served by a thread */
	unsigned long requests;	   /* request heads read whole */
	unsigned long idle_closed; /* keep-alive connections closed idle after http_timeout_ms */
	unsigned long bytes_in, bytes_out;
	unsigned long disk_read, disk_written; /* bytes through the block layer */
	unsigned long disk_errors;	       /* reads, writes, flushes that failed */
	int active;			       /* connection threads now */
	int max_conns;			       /* the limit (http.conns=) */
};

/* A snapshot of the counters.  Context: any. */
void http_stats_read(struct http_stats *st);

/* Answers sent with status @code (1xx too) since boot; 0 for a code not counted.  Context: any. */
unsigned long http_status_count(int code);

/* Connection threads now (the tests wait for 0).  Context: any. */
int http_active(void);

/* ---- the client (net/http_client.c): `http get` at the monitor ---- */

#define HTTP_CLIENT_HEAD_MAX 8192 /* the answer's status line, fields and empty line */
#define HTTP_CLIENT_SHOW_MAX 4096 /* body bytes `http get` keeps and prints */
#define HTTP_CLIENT_HEX_MAX  256  /* ... of a binary body, as a hexdump */
#define HTTP_CLIENT_PATH_MAX 256

/*
 * How long the client waits: to connect, for the whole head, for each
 * piece of the body.  Then -ETIMEDOUT.  Tests shorten it.
 */
extern unsigned int http_client_timeout_ms;

/* One answer, as http_client_get() leaves it. */
struct http_reply {
	int status;	  /* 100..599 */
	char *head;	  /* the status line and the fields, CRLFs and all, NUL-terminated */
	size_t head_len;  /* strlen(head) */
	long long length; /* Content-Length, -1: none (the body runs to the end of the stream) */
	bool chunked; /* Transfer-Encoding was given: the body is kept as it came, not decoded */
	u64 body_len; /* body bytes received */
	u8 *body;     /* the first body_kept of them */
	size_t body_kept; /* min(body_len, the caller's cap) */
};

/*
 * http_client_get - GET @path from @daddr:@port (HTTP/1.1, Host, Connection:
 * close; with "Range: bytes=@range" unless @range is NULL, "0-1023" say):
 * the head, then the body by Content-Length or to the end of the stream,
 * its first @cap bytes kept.  0 and *@rep (free it with
 * http_reply_free), or: -ECONNREFUSED, -ECONNRESET, -ETIMEDOUT, -ENETUNREACH;
 * -EPROTO (no status line), -EMSGSIZE (a head over HTTP_CLIENT_HEAD_MAX),
 * -EBADMSG (a bad or a second different Content-Length), -ENODATA (the end
 * before the head's), -EPIPE (the end before Content-Length bytes), -EINTR
 * (Ctrl-C), -ENOMEM.  *@rep is empty after an error.  Context: thread.
 */
int http_client_get(__be32 daddr, u16 port, const char *path, const char *range, size_t cap,
		    struct http_reply *rep);
#define HTTP_CLIENT_RANGE_MAX 41 /* "<first>-<last>", two 20-digit numbers */
void http_reply_free(struct http_reply *rep);

/* One line's words for http_client_get's error @err ("connection refused"...). */
const char *http_client_strerror(int err);

/* `http get <a.b.c.d>[:<port>][/<path>]`: argv[1] is "get".  Context: thread (the monitor). */
int http_client_cmd(int argc, char **argv);

#endif
