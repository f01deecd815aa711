/*
 * SPDX-License-Identifier: MIT
 * tests/net/test_http.c - the HTTP/1.1 server (net/http.c) through a
 * client written with the TCP calls, over lo: each refusal's status (and
 * that it closes), keep-alive, HEAD, ranges of a disk read through bio
 * chains (bounced), the /proc views equal to the monitor's output, PUT
 * with and without the token and its flush, the connection limit, the
 * receive timeout.  And printk_capture, which the views are made with.
 *
 * The disks are ramdisks each case makes (never vda).  Every case waits
 * for every connection and its thread to be gone (TIME_WAIT shortened),
 * so the harness's leak check holds.
 */
#include <block/blkdev.h>
#include <drivers/ramdisk.h>
#include <errno.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/version.h>
#include <mm/slab.h>
#include <net/http.h>
#include <net/ip.h>
#include <net/socket.h>
#include <net/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blk_test.h"

#define CLIENT_BUF (160 << 10) /* a response: head and body */

struct http_env {
	unsigned int socks;
	unsigned long threads;
	unsigned int tw_saved, timeout_saved;
	char token_saved[HTTP_TOKEN_MAX + 1];
};

static void env_up(struct http_env *e)
{
	e->socks = tcp_sock_count();
	e->threads = READ_ONCE(nr_threads);
	e->tw_saved = tcp_timewait_ms;
	e->timeout_saved = http_timeout_ms;
	memcpy(e->token_saved, http_token, sizeof(http_token));
	tcp_timewait_ms = 20;
	http_timeout_ms = 5000;
}

/* Every connection and server thread of the case gone (within 5 s)?  Settings back. */
static bool env_down(struct http_env *e)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(5000);
	bool settled;

	while ((http_active() || tcp_sock_count() != e->socks ||
		READ_ONCE(nr_threads) != e->threads) &&
	       !time_after(jiffies, deadline))
		msleep(5);
	settled = !http_active() && tcp_sock_count() == e->socks &&
		  READ_ONCE(nr_threads) == e->threads;
	tcp_timewait_ms = e->tw_saved;
	http_timeout_ms = e->timeout_saved;
	memcpy(http_token, e->token_saved, sizeof(http_token));
	return settled;
}

/* ---- a client ------------------------------------------------------------------------------ */

struct client {
	struct socket *sock;
	char *buf; /* CLIENT_BUF bytes received and not yet taken */
	size_t have;
};

struct response {
	int status;
	char head[1024]; /* the status line and fields, NUL-terminated */
	long length;	 /* Content-Length, -1 if none */
	char *body; /* length bytes (not for HEAD), in the client's buffer until the next read */
};

static bool client_open(struct client *cl)
{
	*cl = (struct client){ .buf = kmalloc(CLIENT_BUF, GFP_KERNEL) };
	if (!cl->buf || sock_create_tcp(&cl->sock)) {
		kfree(cl->buf);
		return false;
	}
	sock_set_rcvtimeo(cl->sock, 10000);
	if (kernel_connect(cl->sock, INADDR_LOOPBACK, HTTP_PORT, 0)) {
		sock_release(cl->sock);
		kfree(cl->buf);
		return false;
	}
	return true;
}

static void client_close(struct client *cl)
{
	sock_release(cl->sock);
	kfree(cl->buf);
}

static bool client_send(struct client *cl, const void *buf, size_t len)
{
	for (size_t off = 0; off < len;) {
		int n = kernel_sendmsg(cl->sock, (const char *)buf + off, len - off, 0);

		if (n <= 0)
			return false;
		off += (size_t)n;
	}
	return true;
}

static bool client_sends(struct client *cl, const char *s)
{
	return client_send(cl, s, strlen(s));
}

/* More bytes into the buffer: false at the end, an error or a timeout. */
static bool client_fill(struct client *cl)
{
	int n = kernel_recvmsg(cl->sock, cl->buf + cl->have, CLIENT_BUF - 1 - cl->have, 0);

	if (n <= 0)
		return false;
	cl->have += (size_t)n;
	cl->buf[cl->have] = '\0';
	return true;
}

static void client_take(struct client *cl, size_t n)
{
	memmove(cl->buf, cl->buf + n, cl->have - n);
	cl->have -= n;
	cl->buf[cl->have] = '\0';
}

/* The field @name's value in @r's head ("" if absent), copied to @out. */
static const char *field(const struct response *r, const char *name, char *out, size_t len)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "\r\n%s: ", name);
	out[0] = '\0';
	p = strstr(r->head, key);
	if (p) {
		p += strlen(key);
		snprintf(out, len, "%.*s", (int)strcspn(p, "\r"), p);
	}
	return out;
}

/*
 * One response: its head, then its body of Content-Length bytes (none
 * for @head_only).  The previous response's body is dropped first.
 * Returns false if it did not come whole.
 */
static bool client_response(struct client *cl, struct response *r, bool head_only)
{
	char *end;
	size_t hl;

	if (r->body) {
		client_take(cl, (size_t)r->length);
		r->body = NULL;
	}
	cl->buf[cl->have] = '\0';
	while (!(end = strstr(cl->buf, "\r\n\r\n")))
		if (!client_fill(cl))
			return false;
	hl = (size_t)(end + 4 - cl->buf);
	snprintf(r->head, sizeof(r->head), "%.*s", (int)hl, cl->buf);
	client_take(cl, hl);
	r->status = !strncmp(r->head, "HTTP/1.1 ", 9) ? (int)strtol(r->head + 9, NULL, 10) : -1;
	{
		char v[32];

		field(r, "Content-Length", v, sizeof(v));
		r->length = v[0] ? strtol(v, NULL, 10) : r->status / 100 == 1 ? 0 : -1;
	}
	if (head_only || r->length <= 0)
		return r->length >= 0;
	if ((size_t)r->length >= CLIENT_BUF)
		return false;
	while (cl->have < (size_t)r->length)
		if (!client_fill(cl))
			return false;
	r->body = cl->buf;
	return true;
}

/* Does the server close the connection now (nothing more, then the end)? */
static bool client_sees_end(struct client *cl)
{
	u8 b;

	return cl->have == 0 && kernel_recvmsg(cl->sock, &b, 1, 0) == 0;
}

/* "GET <path> HTTP/1.1" with Host and @fields (each ending in \r\n), on @cl. */
static bool client_get(struct client *cl, const char *method, const char *path, const char *fields)
{
	char req[512];

	snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: teachos\r\n%s\r\n", method, path,
		 fields);
	return client_sends(cl, req);
}

/* ---- refusals ------------------------------------------------------------------------------- */

struct bad_case {
	const char *what;
	const char *request; /* NULL: built by the case (long lines) */
	int status;
};

static const struct bad_case bad_cases[] = {
	{ "garbage", "\x16\x03\x01 hello, this is not HTTP\r\n\r\n", 400 },
	{ "HTTP/0.9's request line", "GET /\r\n\r\n", 400 },
	{ "two spaces", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "a version that is no version", "GET / HTTP/1\r\nHost: a\r\n\r\n", 400 },
	{ "lower-case version", "GET / http/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "no Host in 1.1", "GET / HTTP/1.1\r\n\r\n", 400 },
	{ "two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400 },
	{ "space before the colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400 },
	{ "no colon", "GET / HTTP/1.1\r\nHost: a\r\nJunk\r\n\r\n", 400 },
	{ "obsolete line folding", "GET / HTTP/1.1\r\nHost: a\r\nX: b\r\n c\r\n\r\n", 400 },
	{ "a control character in a value",
	  "GET / HTTP/1.1\r\nHost: a\r\nX: b\x01"
	  "c\r\n\r\n",
	  400 },
	{ "a bare CR", "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", 400 },
	{ "Content-Length not a number", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n",
	  400 },
	{ "Content-Length negative", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
	  400 },
	{ "Content-Lengths that differ",
	  "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400 },
	{ "a Content-Length list that differs",
	  "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\n", 400 },
	{ "a body too big for a GET",
	  "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000\r\n\r\n", 413 },
	{ "an unknown method", "BREW / HTTP/1.1\r\nHost: a\r\n\r\n", 501 },
	{ "a chunked body", "PUT /disk/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
	  501 },
	{ "HTTP/2.0 in a 1.1 request line", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505 },
	{ "an expectation we cannot meet", "GET / HTTP/1.1\r\nHost: a\r\nExpect: tea\r\n\r\n",
	  417 },
	{ "a request line over 8000 octets", NULL, 414 },
	{ "header fields over 8 KiB", NULL, 431 },
};

/* The long requests: a path of 9000 octets, or a field of 9000. */
static char *long_request(int status)
{
	char *req = kmalloc(10000, GFP_KERNEL);
	size_t n;

	if (!req)
		return NULL;
	n = (size_t)sprintf(req, status == 414 ? "GET /" : "GET / HTTP/1.1\r\nHost: a\r\nX: ");
	memset(req + n, 'a', 9000);
	n += 9000;
	strcpy(req + n, status == 414 ? " HTTP/1.1\r\nHost: a\r\n\r\n" : "\r\n\r\n");
	return req;
}

TEST_CASE(http_test_each_bad_request_gets_its_status_and_the_connection_closes)
{
	struct http_env e;

	env_up(&e);
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *bc = &bad_cases[i];
		unsigned long before = http_status_count(bc->status);
		char *req = bc->request ? NULL : long_request(bc->status);
		struct response r = {};
		struct client cl;
		char v[32];

		ASSERT_TRUE(t, client_open(&cl));
		EXPECT_TRUE(t, client_sends(&cl, bc->request ? bc->request : req));
		kfree(req);
		if (!client_response(&cl, &r, false)) {
			ktest_fail(t, __FILE__, __LINE__, "%s: no whole answer", bc->what);
		} else {
			if (r.status != bc->status)
				ktest_fail(t, __FILE__, __LINE__, "%s: status %d, not %d", bc->what,
					   r.status, bc->status);
			if (strcmp(field(&r, "Connection", v, sizeof(v)), "close"))
				ktest_fail(t, __FILE__, __LINE__, "%s: no Connection: close",
					   bc->what);
			client_take(&cl, (size_t)r.length);
			if (!client_sees_end(&cl))
				ktest_fail(t, __FILE__, __LINE__, "%s: the server did not close",
					   bc->what);
		}
		EXPECT_EQ(t, http_status_count(bc->status) - before, 1);
		client_close(&cl);
	}
	EXPECT_TRUE(t, env_down(&e));
}

TEST_CASE(http_test_a_request_cut_short_by_the_client_gets_400)
{
	unsigned long before = http_status_count(400);
	struct response r = {};
	struct http_env e;
	struct client cl;

	env_up(&e);
	ASSERT_TRUE(t, client_open(&cl));
	EXPECT_TRUE(t, client_sends(&cl, "GET / HTTP/1.1\r\nHost: a\r\n"));
	EXPECT_EQ(t, kernel_sock_shutdown(cl.sock, SHUT_WR), 0); /* half-closed */
	EXPECT_TRUE(t, client_response(&cl, &r, false));
	EXPECT_EQ(t, r.status, 400);
	EXPECT_EQ(t, http_status_count(400) - before, 1);
	client_take(&cl, (size_t)r.length);
	EXPECT_TRUE(t, client_sees_end(&cl));
	client_close(&cl);
	EXPECT_TRUE(t, env_down(&e));
}

TEST_CASE(http_test_404_405_and_a_half_closed_client_keep_their_answers)
{
	unsigned long n404 = http_status_count(404), n405 = http_status_count(405);
	struct http_stats before, after;
	struct response r = {};
	struct http_env e;
	struct client cl;
	char v[64];

	env_up(&e);
	http_stats_read(&before);
	ASSERT_TRUE(t, client_open(&cl));
	EXPECT_TRUE(t, client_get(&cl, "GET", "/no/such/thing", ""));
	EXPECT_TRUE(t, client_response(&cl, &r, false));
	EXPECT_EQ(t, r.status, 404);
	EXPECT_STREQ(t, field(&r, "Connection", v, sizeof(v)), ""); /* kept */
	EXPECT_TRUE(t, client_get(&cl, "DELETE", "/proc/meminfo", ""));
	EXPECT_TRUE(t, client_response(&cl, &r, false));
	EXPECT_EQ(t, r.status, 405);
	EXPECT_STREQ(t, field(&r, "Allow", v, sizeof(v)), "GET, HEAD");
	/* PUT where there is nothing to write: 405, and its small body is read and dropped. */
	EXPECT_TRUE(t, client_get(&cl, "PUT", "/proc/version", "Content-Length: 3\r\n"));
	EXPECT_TRUE(t, client_sends(&cl, "abc"));
	EXPECT_TRUE(t, client_response(&cl, &r, false));
	EXPECT_EQ(t, r.status, 405);
	/* A half-closed client (its FIN after the request) still gets the answer, then the end. */
	EXPECT_TRUE(t, client_get(&cl, "GET", "/proc/version", ""));
	EXPECT_EQ(t, kernel_sock_shutdown(cl.sock, SHUT_WR), 0);
	EXPECT_TRUE(t, client_response(&cl, &r, false));
	EXPECT_EQ(t, r.status, 200);
	EXPECT_TRUE(t, r.body && !memcmp(r.body, kernel_banner, strlen(kernel_banner)));
	client_take(&cl, (size_t)r.length);
	r.body = NULL;
	EXPECT_TRUE(t, client_sees_end(&cl));
	client_close(&cl);
	EXPECT_EQ(t, http_status_count(404) - n404, 1);
	EXPECT_EQ(t, http_status_count(405) - n405, 2);
	http_stats_read(&after);
	EXPECT_EQ(t, after.conns - before.conns, 1);	   /* all of it on one connection */
	EXPECT_EQ(t, after.requests - before.requests, 4); /* each head counted */
	EXPECT_TRUE(t, env_down(&e));
}

/* ---- keep-alive and HEAD -------------------------------------------------------------------- */

TEST_CASE(http_test_keep_alive_carries_many_requests_and_head_sends_no_body)
{
	struct http_stats before, after;
	struct response r = {};
	struct http_env e;
	struct client cl;
	long get_len;
	char v[64];

	env_up(&e);
	http_stats_read(&before);
	ASSERT_TRUE(t, client_open(&cl));
	EXPECT_TRUE(t, client_get(&cl, "GET", "/", ""));
	ASSERT_TRUE(t, client_response(&cl, &r, false));
	EXPECT_EQ(t, r.status, 200);
	EXPECT_TRUE(t, strstr(r.body, "/proc/meminfo") != NULL);
	get_len = r.length;
	/* HEAD: the same Content-Length, and no body: the next answer follows the head at once. */
	EXPECT_TRUE(t, client_get(&cl, "HEAD", "/", ""));
	EXPECT_TRUE(t, client_get(&cl, "GET", "/proc/version", ""));
	ASSERT_TRUE(t, client_response(&cl, &r, true));
	EXPECT_EQ(t, r.status, 200);
	EXPECT_EQ(t, r.length, get_len);
	ASSERT_TRUE(t, client_response(&cl, &r, false));
	EXPECT_EQ(t, r.status, 200);
	EXPECT_TRUE(t, !memcmp(r.body, kernel_banner, strlen(kernel_banner)));
	/* Pipelined: two requests in one send, two answers in order; ending with close. */
	EXPECT_TRUE(t, client_sends(&cl, "GET /nothing HTTP/1.1\r\nHost: a\r\n\r\n"
					 "GET /proc/version HTTP/1.1\r\nHost: a\r\n"
					 "Connection: close\r\n\r\n"));
	ASSERT_TRUE(t, client_response(&cl, &r, false));
	EXPECT_EQ(t, r.status, 404);
	ASSERT_TRUE(t, client_response(&cl, &r, false));
	EXPECT_EQ(t, r.status, 200);
	EXPECT_STREQ(t, field(&r, "Connection", v, sizeof(v)), "close");
	client_take(&cl, (size_t)r.length);
	r.body = NULL;
	EXPECT_TRUE(t, client_sees_end(&cl));
	client_close(&cl);

	/* HTTP/1.0 closes unless asked to keep the connection; then it says keep-alive. */
	ASSERT_TRUE(t, client_open(&cl));
	EXPECT_TRUE(t,
		    client_sends(&cl,
				 "GET /proc/version HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
	ASSERT_TRUE(t, client_response(&cl, &r, false));
	EXPECT_EQ(t, r.status, 200);
	EXPECT_STREQ(t, field(&r, "Connection", v, sizeof(v)), "keep-alive");
	EXPECT_TRUE(t, client_sends(&cl, "GET /proc/version HTTP/1.0\r\n\r\n"));
	ASSERT_TRUE(t, client_response(&cl, &r, false));
	EXPECT_EQ(t, r.status, 200);
	EXPECT_STREQ(t, field(&r, "Connection", v, sizeof(v)), "close");
	client_take(&cl, (size_t)r.length);
	r.body = NULL;
	EXPECT_TRUE(t, client_sees_end(&cl));
	client_close(&cl);
	http_stats_read(&after);
	EXPECT_EQ(t, after.conns - before.conns, 2);
	EXPECT_EQ(t, after.requests - before.requests, 7);
	EXPECT_TRUE(t, env_down(&e));
}

/* ---- the views ----------------------------------------------------------------------------- */

/* printk_capture: into the buffer, not the log; cut with the rest counted; nested. */
TEST_CASE(http_test_printk_capture_takes_a_threads_output_instead_of_the_log)
{
	struct printk_capture outer, inner;
	char a[64], b[8];
	u64 mark = log_seq();

	printk_capture_start(&outer, a, sizeof(a));
	printk("captured %d\n", 1);
	printk_capture_start(&inner, b, sizeof(b));
	printk(KERN_INFO "0123456789\n");
	EXPECT_EQ(t, printk_capture_end(&inner), 7);
	printk(KERN_CONT "more\n");
	EXPECT_EQ(t, printk_capture_end(&outer), strlen("captured 1\nmore\n"));
	EXPECT_STREQ(t, a, "captured 1\nmore\n");
	EXPECT_STREQ(t, b, "0123456"); /* the level prefix is not text */
	EXPECT_EQ(t, inner.wanted, 11);
	EXPECT_FALSE(t, log_contains(mark, "captured 1"));
	EXPECT_FALSE(t, log_contains(mark, "0123456789"));
	EXPECT_NULL(t, current->printk_capture);
}

/* Each line's words before its first digit: what stays when the numbers move. */
static void labels(const char *text, char *out, size_t len)
{
	size_t n = 0;

	for (; *text && n + 1 < len; text++) {
		if (*text >= '0' && *text <= '9') {
			text += strcspn(text, "\n");
			if (!*text)
				break;
		}
		out[n++] = *text;
	}
	out[n] = '\0';
}

TEST_CASE(http_test_proc_views_are_the_monitor_commands_output)
{
	static char captured[8192], logged[8192], l1[4096], l2[4096];
	struct response r = {};
	struct http_env e;
	struct client cl;
	size_t wanted;
	u64 mark;

	env_up(&e);
	/* What the monitor prints is what the capture holds (the log shows the monitor's). */
	mark = log_seq();
	EXPECT_EQ(t, monitor_exec((char[]){ "version" }), 0);
	log_read(mark, logged, sizeof(logged));
	EXPECT_EQ(t, monitor_capture("version", captured, sizeof(captured), &wanted), 0);
	EXPECT_EQ(t, wanted, strlen(captured));
	EXPECT_STREQ(t, captured, logged);
	EXPECT_EQ(t, monitor_capture("cmdline", captured, sizeof(captured), &wanted), 0);
	EXPECT_EQ(t, wanted, strlen(captured));

	ASSERT_TRUE(t, client_open(&cl));
	EXPECT_TRUE(t, client_get(&cl, "GET", "/proc/cmdline", ""));
	ASSERT_TRUE(t, client_response(&cl, &r, false));
	EXPECT_EQ(t, r.status, 200);
	EXPECT_EQ(t, (size_t)r.length, strlen(captured));
	EXPECT_TRUE(t, !memcmp(r.body, captured, strlen(captured)));

	monitor_capture("version", captured, sizeof(captured), NULL);
	EXPECT_TRUE(t, client_get(&cl, "GET", "/proc/version", "")); /* the same connection */
	ASSERT_TRUE(t, client_response(&cl, &r, false));
	EXPECT_EQ(t, (size_t)r.length, strlen(captured));
	EXPECT_TRUE(t, !memcmp(r.body, captured, strlen(captured)));

	/* Views whose numbers move: the same lines, label for label. */
	static const char *const moving[][2] = { { "/proc/meminfo", "meminfo" },
						 { "/proc/buddyinfo", "buddyinfo" },
						 { "/proc/zoneinfo", "zoneinfo" },
						 { "/proc/net/dev", "ifconfig" } };
	for (size_t i = 0; i < ARRAY_SIZE(moving); i++) {
		EXPECT_TRUE(t, client_get(&cl, "GET", moving[i][0], ""));
		ASSERT_TRUE(t, client_response(&cl, &r, false));
		EXPECT_EQ(t, r.status, 200);
		r.body[r.length] = '\0'; /* the buffer has room past it */
		labels(r.body, l1, sizeof(l1));
		monitor_capture(moving[i][1], captured, sizeof(captured), NULL);
		labels(captured, l2, sizeof(l2));
		if (strcmp(l1, l2))
			ktest_fail(t, __FILE__, __LINE__, "%s differs from '%s'", moving[i][0],
				   moving[i][1]);
	}
	/* Bigger than the server's first buffer (4 KiB): slabinfo, whole. */
	EXPECT_TRUE(t, client_get(&cl, "GET", "/proc/slabinfo", ""));
	ASSERT_TRUE(t, client_response(&cl, &r, false));
	EXPECT_EQ(t, r.status, 200);
	EXPECT_TRUE(t, !strncmp(r.body, "slabinfo - version: 2.1\n", 24));
	EXPECT_EQ(t, r.body[r.length - 1], '\n');
	client_close(&cl);
	EXPECT_TRUE(t, env_down(&e));
}

/* ---- disks ---------------------------------------------------------------------------------- */

#define DISK_BYTES (64 << 10)

/* A ramdisk of 64 KiB named "httptest" holding @seed's pattern; its queue bounces below 16 MiB. */
static struct ramdisk *test_disk(struct ktest *t, bool cache, unsigned int seed)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){
						      .name = "httptest",
						      .sectors = DISK_BYTES / 512,
						      .bounce_limit = BLK_BOUNCE_ISA,
						      .write_cache = cache,
					      });
	u8 *buf = kmalloc(DISK_BYTES, GFP_KERNEL);

	ASSERT_NOT_NULL(t, buf);
	blk_test_fill(buf, DISK_BYTES, seed);
	EXPECT_EQ(t, blkdev_issue_rw(&rd->disk->bdev, WRITE, 0, buf, DISK_BYTES, GFP_KERNEL, NULL),
		  0);
	kfree(buf);
	return rd;
}

struct range_case {
	const char *range;
	int status;
	long first, last; /* of the pattern; the body's length last - first + 1 */
	const char *content_range;
};

static const struct range_case range_cases[] = {
	{ "bytes=0-99", 206, 0, 99, "bytes 0-99/65536" },
	{ "bytes=513-1500", 206, 513, 1500, "bytes 513-1500/65536" },
	{ "bytes=60000-", 206, 60000, 65535, "bytes 60000-65535/65536" },
	{ "bytes=-700", 206, 64836, 65535, "bytes 64836-65535/65536" },
	{ "bytes=65000-99999", 206, 65000, 65535, "bytes 65000-65535/65536" },
	{ "bytes=-100000", 206, 0, 65535, "bytes 0-65535/65536" },
	{ "bytes=65536-", 416, 0, -1, "bytes */65536" },
	{ "bytes=-0", 416, 0, -1, "bytes */65536" },
	{ "bytes=5-2", 200, 0, 65535, "" },	/* invalid: ignored */
	{ "bytes=0-1,5-6", 200, 0, 65535, "" }, /* several: ignored (RFC 9110 14.2 allows it) */
	{ "pages=0-1", 200, 0, 65535, "" },
	{ NULL, 200, 0, 65535, "" },
};

TEST_CASE(http_test_disk_ranges_come_from_bio_chains_bounced_below_16m)
{
	unsigned long bounced;
	struct response r = {};
	struct http_env e;
	struct client cl;
	struct ramdisk *rd;
	char v[64], fields[64];
	u8 *want;

	blk_test_need_isa(t);
	env_up(&e);
	rd = test_disk(t, false, 7);
	bounced = bounce_stats.bios;
	want = kmalloc(DISK_BYTES, GFP_KERNEL);
	ASSERT_NOT_NULL(t, want);
	blk_test_fill(want, DISK_BYTES, 7);
	ASSERT_TRUE(t, client_open(&cl));
	for (size_t i = 0; i < ARRAY_SIZE(range_cases); i++) {
		const struct range_case *rc = &range_cases[i];
		long n = rc->last - rc->first + 1;

		snprintf(fields, sizeof(fields), rc->range ? "Range: %s\r\n" : "", rc->range);
		EXPECT_TRUE(t, client_get(&cl, "GET", "/disk/httptest", fields));
		ASSERT_TRUE(t, client_response(&cl, &r, false));
		if (r.status != rc->status ||
		    strcmp(field(&r, "Content-Range", v, sizeof(v)), rc->content_range))
			ktest_fail(t, __FILE__, __LINE__, "%s: %d '%s'", rc->range, r.status, v);
		if (rc->status != 416 &&
		    (r.length != n || memcmp(r.body, want + rc->first, (size_t)n)))
			ktest_fail(t, __FILE__, __LINE__, "%s: wrong bytes", rc->range);
	}
	/* HEAD ignores Range: the whole length, no body. */
	EXPECT_TRUE(t, client_get(&cl, "HEAD", "/disk/httptest", "Range: bytes=0-9\r\n"));
	EXPECT_TRUE(t, client_get(&cl, "GET", "/disk/nosuchdisk", ""));
	ASSERT_TRUE(t, client_response(&cl, &r, true));
	EXPECT_EQ(t, r.status, 200);
	EXPECT_EQ(t, r.length, DISK_BYTES);
	ASSERT_TRUE(t, client_response(&cl, &r, false));
	EXPECT_EQ(t, r.status, 404);
	/* Ranges of a view too. */
	EXPECT_TRUE(t, client_get(&cl, "GET", "/proc/version", "Range: bytes=2-5\r\n"));
	ASSERT_TRUE(t, client_response(&cl, &r, false));
	EXPECT_EQ(t, r.status, 206);
	EXPECT_EQ(t, r.length, 4);
	EXPECT_TRUE(t, !memcmp(r.body, kernel_banner + 2, 4));
	client_close(&cl);
	EXPECT_TRUE(t, env_down(&e));
	EXPECT_GT(t, bounce_stats.bios, bounced); /* the buffer is above 16 MiB: bounced */
	EXPECT_EQ(t, rd->stats.dma_violations, 0);
	EXPECT_EQ(t, rd->stats.limit_violations, 0);
	kfree(want);
	ramdisk_destroy(rd);
}

/* "PUT /disk/httptest" with @fields and @len bytes of @body; the answer's status. */
static int put(struct ktest *t, struct client *cl, const char *fields, const void *body, size_t len)
{
	struct response r = {};
	char head[256];

	snprintf(head, sizeof(head), "Content-Length: %zu\r\n%s", len, fields);
	EXPECT_TRUE(t, client_get(cl, "PUT", "/disk/httptest", head));
	EXPECT_TRUE(t, client_send(cl, body, len));
	if (!client_response(cl, &r, false))
		return -1;
	client_take(cl, (size_t)r.length);
	return r.status;
}

TEST_CASE(http_test_put_needs_the_token_and_answers_after_the_flush)
{
	unsigned long n403 = http_status_count(403), flushes, writes;
	struct response r = {};
	struct http_env e;
	struct client cl;
	struct ramdisk *rd;
	u8 *data, *want, *disk;

	blk_test_need_isa(t);
	env_up(&e);
	rd = test_disk(t, true, 3);
	data = kmalloc(DISK_BYTES, GFP_KERNEL);
	want = kmalloc(DISK_BYTES, GFP_KERNEL);
	disk = kmalloc(DISK_BYTES, GFP_KERNEL);
	ASSERT_TRUE(t, data && want && disk);
	blk_test_fill(data, DISK_BYTES, 99);
	blk_test_fill(want, DISK_BYTES, 3);
	writes = rd->stats.writes;
	ASSERT_TRUE(t, client_open(&cl));
	/* Writing off (no http.token=): refused even with a token. */
	http_token[0] = '\0';
	EXPECT_EQ(t, put(t, &cl, "Authorization: Bearer \r\n", data, 100), 403);
	strcpy(http_token, "t0ken-123");
	EXPECT_EQ(t, put(t, &cl, "", data, 100), 403);
	EXPECT_EQ(t, put(t, &cl, "Authorization: Bearer t0ken-124\r\n", data, 100), 403);
	EXPECT_EQ(t, put(t, &cl, "Authorization: Bearer t0ken-12\r\n", data, 100), 403);
	EXPECT_EQ(t, put(t, &cl, "Authorization: Bearer t0ken-1234\r\n", data, 100), 403);
	EXPECT_EQ(t, put(t, &cl, "Authorization: Basic t0ken-123\r\n", data, 100), 403);
	EXPECT_EQ(t, http_status_count(403) - n403, 6);
	EXPECT_EQ(t, rd->stats.writes, writes);
	EXPECT_TRUE(t, blk_test_disk_holds(rd, 0, DISK_BYTES, 3));

	/* With it: an unaligned span (read-modify-write at both ends), then flushed, then 200. */
	flushes = rd->stats.flushes;
	EXPECT_EQ(t,
		  put(t, &cl,
		      "Authorization: Bearer t0ken-123\r\nContent-Range: bytes 1000-2999/*\r\n",
		      data, 2000),
		  200);
	EXPECT_GT(t, rd->stats.flushes, flushes);
	memcpy(want + 1000, data, 2000);
	/* Expect: 100-continue: the 100 first, then the body, then the answer. */
	EXPECT_TRUE(t,
		    client_get(&cl, "PUT", "/disk/httptest",
			       "Authorization: Bearer t0ken-123\r\nExpect: 100-continue\r\n"
			       "Content-Range: bytes 4096-8191/65536\r\nContent-Length: 4096\r\n"));
	ASSERT_TRUE(t, client_response(&cl, &r, false));
	EXPECT_EQ(t, r.status, 100);
	EXPECT_TRUE(t, client_send(&cl, data + 5000, 4096));
	ASSERT_TRUE(t, client_response(&cl, &r, false));
	EXPECT_EQ(t, r.status, 200);
	memcpy(want + 4096, data + 5000, 4096);
	client_take(&cl, (size_t)r.length);
	r.body = NULL;
	/* The span and the length disagree: 400; past the end: 416 with the size. */
	EXPECT_EQ(t,
		  put(t, &cl, "Authorization: Bearer t0ken-123\r\nContent-Range: bytes 0-9/*\r\n",
		      data, 11),
		  400);
	EXPECT_EQ(t,
		  put(t, &cl,
		      "Authorization: Bearer t0ken-123\r\nContent-Range: bytes 65530-65539/*\r\n",
		      data, 10),
		  416);
	client_close(&cl);
	EXPECT_EQ(t, blkdev_issue_rw(&rd->disk->bdev, READ, 0, disk, DISK_BYTES, GFP_KERNEL, NULL),
		  0);
	EXPECT_TRUE(t, !memcmp(disk, want, DISK_BYTES));
	EXPECT_TRUE(t, env_down(&e));
	kfree(data);
	kfree(want);
	kfree(disk);
	ramdisk_destroy(rd);
}

/* ---- limits ---------------------------------------------------------------------------------- */

TEST_CASE(http_test_one_connection_past_the_limit_gets_503)
{
	unsigned long n503 = http_status_count(503);
	struct http_stats st;
	struct response r = {};
	struct client *held, extra;
	struct http_env e;
	int n = 0;

	env_up(&e);
	http_timeout_ms = 30000; /* the held connections stay while the case runs */
	http_stats_read(&st);
	held = kcalloc((size_t)st.max_conns, sizeof(*held), GFP_KERNEL);
	ASSERT_NOT_NULL(t, held);
	while (n < st.max_conns && client_open(&held[n]))
		n++;
	EXPECT_EQ(t, n, st.max_conns);
	for (int i = 0; i < 500 && http_active() < st.max_conns; i++)
		msleep(10);
	EXPECT_EQ(t, http_active(), st.max_conns);
	ASSERT_TRUE(t, client_open(&extra));
	EXPECT_TRUE(t, client_get(&extra, "GET", "/", ""));
	EXPECT_TRUE(t, client_response(&extra, &r, false));
	EXPECT_EQ(t, r.status, 503);
	client_take(&extra, (size_t)r.length);
	EXPECT_TRUE(t, client_sees_end(&extra));
	client_close(&extra);
	EXPECT_EQ(t, http_status_count(503) - n503, 1);
	/* One of the held ones is still served. */
	if (n) {
		EXPECT_TRUE(t, client_get(&held[0], "GET", "/proc/version", ""));
		r.body = NULL;
		EXPECT_TRUE(t, client_response(&held[0], &r, false));
		EXPECT_EQ(t, r.status, 200);
	}
	while (n)
		client_close(&held[--n]);
	kfree(held);
	EXPECT_TRUE(t, env_down(&e));
}

TEST_CASE(http_test_a_stalled_request_gets_408_and_an_idle_connection_is_closed)
{
	unsigned long n408 = http_status_count(408);
	struct http_stats before, after;
	struct response r = {};
	struct http_env e;
	struct client cl;

	env_up(&e);
	http_timeout_ms = 200;
	http_stats_read(&before);
	ASSERT_TRUE(t, client_open(&cl));
	EXPECT_TRUE(t, client_sends(&cl, "GET / HTTP/1.1\r\nHo"));
	EXPECT_TRUE(t, client_response(&cl, &r, false)); /* after 200 ms, unasked */
	EXPECT_EQ(t, r.status, 408);
	client_take(&cl, (size_t)r.length);
	EXPECT_TRUE(t, client_sees_end(&cl));
	client_close(&cl);
	EXPECT_EQ(t, http_status_count(408) - n408, 1);
	/* Nothing at all: closed without a word, counted as idle. */
	ASSERT_TRUE(t, client_open(&cl));
	EXPECT_TRUE(t, client_sees_end(&cl));
	client_close(&cl);
	http_stats_read(&after);
	EXPECT_EQ(t, after.idle_closed - before.idle_closed, 1);
	EXPECT_TRUE(t, env_down(&e));
}

/* ---- the client (net/http_client.c) ------------------------------------------------------- */

#define FAKE_PORT 8081

/* What the fake server does once it has read a request. */
enum fake_end {
	FAKE_CLOSE,
	FAKE_RESET,
	FAKE_SILENT
};

struct fake_answer {
	const char *what;
	const char *answer; /* NULL: a head over 8 KiB, made by the thread */
	enum fake_end end;
	int err;	  /* what http_client_get returns */
	long long length; /* ... with this Content-Length (when 0 is returned) */
	const char *body; /* ... and this body */
};

#define BAD(w, a, e, error)                                            \
	{                                                              \
		.what = (w), .answer = (a), .end = (e), .err = (error) \
	}
#define GOOD(w, a, len, b)                                                                  \
	{                                                                                   \
		.what = (w), .answer = (a), .end = FAKE_CLOSE, .length = (len), .body = (b) \
	}

static const struct fake_answer fake_answers[] = {
	BAD("no status line", "SSH-2.0-OpenSSH\r\n\r\n", FAKE_CLOSE, -EPROTO),
	BAD("a status of two digits", "HTTP/1.1 20 OK\r\n\r\n", FAKE_CLOSE, -EPROTO),
	BAD("a letter in Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n",
	    FAKE_CLOSE, -EBADMSG),
	BAD("a signed Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", FAKE_CLOSE,
	    -EBADMSG),
	BAD("two different Content-Lengths",
	    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length: 6\r\n\r\nhello", FAKE_CLOSE,
	    -EBADMSG),
	BAD("an empty Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", FAKE_CLOSE,
	    -EBADMSG),
	BAD("a head over 8 KiB", NULL, FAKE_CLOSE, -EMSGSIZE),
	BAD("the end inside the head", "HTTP/1.1 200 OK\r\nServer: x\r\n", FAKE_CLOSE, -ENODATA),
	BAD("the end before Content-Length bytes",
	    "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", FAKE_CLOSE, -EPIPE),
	BAD("a reset instead of an answer", "", FAKE_RESET, -ECONNRESET),
	BAD("silence", "", FAKE_SILENT, -ETIMEDOUT),
	GOOD("no Content-Length: to the end", "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nto the end\n",
	     -1, "to the end\n"),
	GOOD("the same Content-Length twice, bare LFs",
	     "HTTP/1.1 200 OK\nContent-Length: 5\nContent-Length: 5\n\nhelloEXTRA", 5, "hello"),
	GOOD("204 has no body", "HTTP/1.1 204 No Content\r\n\r\n", 0, ""),
};

struct fake_server {
	struct socket *listener;
	const struct fake_answer *answers;
	int nr;
	char *big; /* the answer NULL stands for: a head over 8 KiB, or what a case puts there */
	size_t big_len;
	int served;
};

/* Read a request head (or until the peer ends or 2 s pass). */
static void fake_read_request(struct socket *sock, char *buf, size_t size)
{
	size_t have = 0;

	sock_set_rcvtimeo(sock, 2000);
	while (have + 1 < size) {
		int n = kernel_recvmsg(sock, buf + have, size - 1 - have, 0);

		if (n <= 0)
			return;
		have += (size_t)n;
		buf[have] = '\0';
		if (strstr(buf, "\r\n\r\n"))
			return;
	}
}

/* The fake server's thread: one connection per answer, in order. */
static int fake_server_thread(void *arg)
{
	struct fake_server *fs = arg;
	char req[1024];

	for (int i = 0; i < fs->nr; i++) {
		const struct fake_answer *a = &fs->answers[i];
		struct socket *sock;
		const char *text;
		size_t len;

		if (kernel_accept(fs->listener, &sock, 0))
			return -ETIMEDOUT;
		/*
		 * Only now: a case rewrites fs->big before it connects, maybe
		 * while this thread is still finishing the previous answer.
		 */
		text = a->answer ? a->answer : fs->big;
		len = a->answer ? strlen(text) : fs->big_len;
		fake_read_request(sock, req, sizeof(req));
		for (size_t off = 0; off < len;) {
			int n = kernel_sendmsg(sock, text + off, len - off, 0);

			if (n <= 0)
				break;
			off += (size_t)n;
		}
		if (a->end == FAKE_RESET)
			tcp_set_linger0(sock, true);
		if (a->end == FAKE_CLOSE)
			kernel_sock_shutdown(sock, SHUT_WR);
		/* Until the client is gone (it closes when it is done or has given up). */
		if (a->end != FAKE_RESET) {
			sock_set_rcvtimeo(sock, 5000);
			while (kernel_recvmsg(sock, req, sizeof(req), 0) > 0)
				;
		}
		sock_release(sock);
		fs->served++;
	}
	return 0;
}

/* A listener on @port and its thread (joined by fake_stop). */
static struct task_struct *fake_start(struct ktest *t, struct fake_server *fs, u16 port)
{
	struct task_struct *th;

	fs->big = kmalloc(HTTP_CLIENT_HEAD_MAX + 512, GFP_KERNEL);
	if (!fs->big || sock_create_tcp(&fs->listener)) {
		kfree(fs->big);
		return NULL;
	}
	fs->big_len =
		(size_t)snprintf(fs->big, HTTP_CLIENT_HEAD_MAX + 512,
				 "HTTP/1.1 200 OK\r\nX-Big: %0*d\r\n\r\n", HTTP_CLIENT_HEAD_MAX, 7);
	sock_set_rcvtimeo(fs->listener, 10000);
	EXPECT_EQ(t, kernel_bind(fs->listener, port), 0);
	EXPECT_EQ(t, kernel_listen(fs->listener, 4), 0);
	th = kthread_create(fake_server_thread, fs, "http-fake");
	if (th) {
		get_task_struct(th);
		wake_up_process(th);
	}
	return th;
}

static void fake_stop(struct ktest *t, struct fake_server *fs, struct task_struct *th)
{
	EXPECT_EQ(t, kthread_join(th, msecs_to_jiffies(30000)), 0);
	put_task_struct(th);
	sock_release(fs->listener);
	kfree(fs->big);
	EXPECT_EQ(t, fs->served, fs->nr);
}

TEST_CASE(http_test_the_client_gets_proc_version_from_our_own_server)
{
	static char captured[8192], shown[16384];
	struct http_reply rep;
	struct http_env e;
	char v[64];

	env_up(&e);
	monitor_capture("version", captured, sizeof(captured), NULL);
	ASSERT_EQ(t, http_client_get(INADDR_LOOPBACK, HTTP_PORT, "/proc/version", NULL, 4096, &rep),
		  0);
	EXPECT_EQ(t, rep.status, 200);
	EXPECT_TRUE(t, !strncmp(rep.head, "HTTP/1.1 200 OK\r\n", 17));
	EXPECT_EQ(t, rep.length, (long long)strlen(captured));
	EXPECT_EQ(t, rep.body_len, strlen(captured));
	EXPECT_EQ(t, rep.body_kept, strlen(captured));
	EXPECT_TRUE(t, !memcmp(rep.body, captured, strlen(captured)));
	EXPECT_TRUE(t, strstr(rep.head, "\r\nConnection: close\r\n") != NULL); /* we asked */
	http_reply_free(&rep);
	/* A cap smaller than the body: the first bytes kept, all counted. */
	ASSERT_EQ(t, http_client_get(INADDR_LOOPBACK, HTTP_PORT, "/proc/version", NULL, 7, &rep),
		  0);
	EXPECT_EQ(t, rep.body_kept, 7);
	EXPECT_EQ(t, rep.body_len, strlen(captured));
	EXPECT_TRUE(t, !memcmp(rep.body, captured, 7));
	http_reply_free(&rep);
	/* A range: Range: bytes=2-5, and 206 with those four bytes. */
	ASSERT_EQ(t,
		  http_client_get(INADDR_LOOPBACK, HTTP_PORT, "/proc/version", "2-5", 4096, &rep),
		  0);
	EXPECT_EQ(t, rep.status, 206);
	EXPECT_EQ(t, rep.body_len, 4);
	EXPECT_TRUE(t, !memcmp(rep.body, captured + 2, 4));
	http_reply_free(&rep);
	/* 404 is an answer, not an error. */
	ASSERT_EQ(t, http_client_get(INADDR_LOOPBACK, HTTP_PORT, "/nosuch", NULL, 4096, &rep), 0);
	EXPECT_EQ(t, rep.status, 404);
	http_reply_free(&rep);

	/* At the monitor: the status line, the fields, the text. */
	EXPECT_EQ(t, monitor_capture("http get 127.0.0.1/proc/version", shown, sizeof(shown), NULL),
		  0);
	EXPECT_TRUE(t, !strncmp(shown, "HTTP/1.1 200 OK\n", 16));
	snprintf(v, sizeof(v), "\nContent-Length: %zu\n", strlen(captured));
	EXPECT_TRUE(t, strstr(shown, v) != NULL);
	EXPECT_TRUE(t, strstr(shown, captured) != NULL);
	/* Port 80 written out is the same; the Host field leaves it out. */
	EXPECT_EQ(t,
		  monitor_capture("http get 127.0.0.1:80/proc/version", shown, sizeof(shown), NULL),
		  0);
	EXPECT_TRUE(t, strstr(shown, captured) != NULL);
	/* bytes=: a range at the monitor. */
	EXPECT_EQ(t,
		  monitor_capture("http get 127.0.0.1/proc/version bytes=0-3", shown, sizeof(shown),
				  NULL),
		  0);
	EXPECT_TRUE(t, !strncmp(shown, "HTTP/1.1 206 Partial Content\n", 29));
	snprintf(v, sizeof(v), "\n%.4s\n", captured);
	EXPECT_TRUE(t, strstr(shown, v) != NULL);
	/* Nobody on port 81: one line, the prompt back (0). */
	EXPECT_EQ(t, monitor_capture("http get 127.0.0.1:81/", shown, sizeof(shown), NULL), 0);
	EXPECT_STREQ(t, shown, "http get 127.0.0.1:81/: connection refused\n");
	EXPECT_EQ(t, http_client_get(INADDR_LOOPBACK, 81, "/", NULL, 16, &rep), -ECONNREFUSED);
	EXPECT_NULL(t, rep.head);
	EXPECT_TRUE(t, env_down(&e));
}

/* Each bad argument: one line naming the command, then the usage (-EINVAL). */
TEST_CASE(http_test_http_get_refuses_each_bad_argument_in_one_line)
{
	static const char *const bad[][2] = {
		{ "http get", "http: get needs <a.b.c.d>[:<port>][/<path>]\n" },
		{ "http get 10.0.2/x", "http: '10.0.2' is not an address (a.b.c.d)\n" },
		{ "http get 10.0.2.2:0/x", "http: '0' is out of range for a port (1 to 65535)\n" },
		{ "http get 10.0.2.2:8x/x", "http: '8x' is not a port: 'x' follows the number\n" },
		{ "http get 10.0.2.2:/x", "http: '' is not a port (a number from 1 to 65535)\n" },
		{ "http get 10.0.2.2:99999/",
		  "http: '99999' is out of range for a port (1 to 65535)\n" },
		{ "http get 1234567890123456789012345/", NULL },
		{ "http put 10.0.2.2/", "http: unknown subcommand 'put' (only 'get')\n" },
		{ "http get 10.0.2.2/ more", "http: 'more' is not bytes=<first>-<last>\n" },
		{ "http get 10.0.2.2/ bytes=5-2", "http: bytes 5-2 ends before it starts\n" },
		{ "http get 10.0.2.2/ bytes=x-2", NULL },
		{ "http get 10.0.2.2/ bytes=0-", NULL },
		{ "http get 10.0.2.2/ bytes=0-1 more", NULL },
	};
	static char shown[1024];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		size_t nl;

		EXPECT_EQ(t, monitor_capture(bad[i][0], shown, sizeof(shown), NULL), -EINVAL);
		nl = strcspn(shown, "\n");
		if (bad[i][1] && strncmp(shown, bad[i][1], strlen(bad[i][1])))
			ktest_fail(t, __FILE__, __LINE__, "'%s': '%.*s'", bad[i][0], (int)nl,
				   shown);
		/* One line, then the usage line. */
		if (strncmp(shown, "http: ", 6) || strncmp(shown + nl + 1, "usage: http [get ", 17))
			ktest_fail(t, __FILE__, __LINE__, "'%s': not one line and the usage: '%s'",
				   bad[i][0], shown);
	}
}

TEST_CASE(http_test_the_client_refuses_each_malformed_answer)
{
	static char shown[8192];
	struct fake_server fs = { .answers = fake_answers, .nr = ARRAY_SIZE(fake_answers) };
	unsigned int timeout_saved = http_client_timeout_ms;
	struct task_struct *th;
	struct http_env e;

	env_up(&e);
	th = fake_start(t, &fs, FAKE_PORT);
	ASSERT_TRUE(t, th != NULL);
	for (int i = 0; i < fs.nr; i++) {
		const struct fake_answer *a = &fake_answers[i];
		struct http_reply rep;
		int err;

		http_client_timeout_ms = a->end == FAKE_SILENT ? 300 : 5000;
		err = http_client_get(INADDR_LOOPBACK, FAKE_PORT, "/x", NULL, 64, &rep);
		if (err != a->err) {
			ktest_fail(t, __FILE__, __LINE__, "%s: %d, not %d", a->what, err, a->err);
		} else if (!err && (rep.length != a->length || rep.body_len != strlen(a->body) ||
				    memcmp(rep.body, a->body, strlen(a->body)))) {
			ktest_fail(t, __FILE__, __LINE__, "%s: length %lld, body %llu bytes",
				   a->what, rep.length, (unsigned long long)rep.body_len);
		} else if (err && rep.head) {
			ktest_fail(t, __FILE__, __LINE__, "%s: a head left after the error",
				   a->what);
		}
		http_reply_free(&rep);
	}
	http_client_timeout_ms = timeout_saved;
	fake_stop(t, &fs, th);

	/* The monitor's words for one, and a binary body as a count and a hexdump. */
	static const struct fake_answer shown_answers[] = {
		BAD("bad length", "HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n", FAKE_CLOSE, 0),
		BAD("binary", NULL, FAKE_CLOSE, 0),
	};
	/* Another port: FAKE_PORT's connections may still be in TIME_WAIT. */
	fs = (struct fake_server){ .answers = shown_answers, .nr = 2 };
	th = fake_start(t, &fs, FAKE_PORT + 1);
	ASSERT_TRUE(t, th != NULL);
	EXPECT_EQ(t, monitor_capture("http get 127.0.0.1:8082/x", shown, sizeof(shown), NULL), 0);
	EXPECT_STREQ(t, shown, "http get 127.0.0.1:8082/x: bad Content-Length in the answer\n");
	/* The second answer: 300 bytes 1, 2, ... 255, 0, 1, ... (fs.big, rewritten). */
	fs.big_len = (size_t)snprintf(fs.big, 64, "HTTP/1.1 200 OK\r\nContent-Length: 300\r\n\r\n");
	for (size_t i = 0; i < 300; i++)
		fs.big[fs.big_len++] = (char)(i + 1);
	EXPECT_EQ(t, monitor_capture("http get 127.0.0.1:8082/x", shown, sizeof(shown), NULL), 0);
	EXPECT_TRUE(t, strstr(shown, "\nbinary body: 300 bytes; the first 256:\n"
				     "0000: 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10  "
				     "................\n") != NULL);
	EXPECT_TRUE(t, strstr(shown, "\n00f0: f1 f2 f3 f4 f5 f6 f7 f8 f9 fa fb fc fd fe ff 00  "
				     "................\n") != NULL);
	EXPECT_NULL(t, strstr(shown, "\n0100:"));
	fake_stop(t, &fs, th);
	EXPECT_TRUE(t, env_down(&e));
}

static const struct ktest_case http_cases[] = {
	KTEST(http_test_printk_capture_takes_a_threads_output_instead_of_the_log),
	KTEST_TIMEOUT(http_test_each_bad_request_gets_its_status_and_the_connection_closes, 60000),
	KTEST(http_test_a_request_cut_short_by_the_client_gets_400),
	KTEST(http_test_404_405_and_a_half_closed_client_keep_their_answers),
	KTEST(http_test_keep_alive_carries_many_requests_and_head_sends_no_body),
	KTEST(http_test_proc_views_are_the_monitor_commands_output),
	KTEST_TIMEOUT(http_test_disk_ranges_come_from_bio_chains_bounced_below_16m, 60000),
	KTEST_TIMEOUT(http_test_put_needs_the_token_and_answers_after_the_flush, 60000),
	KTEST_TIMEOUT(http_test_one_connection_past_the_limit_gets_503, 30000),
	KTEST(http_test_a_stalled_request_gets_408_and_an_idle_connection_is_closed),
	KTEST(http_test_the_client_gets_proc_version_from_our_own_server),
	KTEST(http_test_http_get_refuses_each_bad_argument_in_one_line),
	KTEST_TIMEOUT(http_test_the_client_refuses_each_malformed_answer, 30000),
	{}
};
TEST_SUITE_INIT(http, http_cases, blk_test_make_isa_pool, NULL);
