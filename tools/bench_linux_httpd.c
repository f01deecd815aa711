/*
 * SPDX-License-Identifier: MIT
 * tools/bench_linux_httpd.c - the HTTP server of make bench's Linux guest (tools/bench_linux.py).
 *
 * A user program for Linux, built static on the host (gcc -static) and put in the guest's
 * initramfs, so that the Linux guest answers the requests tools/bench_tcp.py makes of teachos
 * the way teachos's net/http.c does: HTTP/1.1 with keep-alive, Content-Length, files read at
 * each request.  busybox's httpd would close every connection, fork for each, and cannot send a
 * block device or a /proc file (it takes the length from stat()).  One connection at a time:
 * the bench's clients are sequential, and what a new connection costs is then the kernel's
 * TCP, not fork()'s (teachos starts a thread per connection).
 *
 *   bench_linux_httpd [ADDR:]PORT URL=FILE...
 *       e.g. bench_linux_httpd 80 /disk/vda=/dev/vda /proc/meminfo=/proc/meminfo
 *
 * The life of a request:
 *
 *   accept --------> read_head: bytes until the empty line (8 KiB at most, else 431)
 *                    route: GET or HEAD (else 405) of a URL given (else 404)
 *                    send_file: a file with a length (a regular file; a block device: its
 *                      size from lseek) is sent with sendfile(); one without (/proc) is read
 *                      whole first (64 KiB at most) so that its length can be sent first
 *                    keep-alive unless HTTP/1.0 or "Connection: close"; 10 s idle: closed
 *                    (so a client that holds its connection blocks the next at most that long)
 *
 * Not a general server: no Range, no chunked bodies, no request bodies; a bench's client only.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define HEAD_MAX  8192
#define SMALL_MAX 65536
#define IDLE_S	  10

struct route {
	const char *url;
	const char *file;
};

static struct route *routes;
static int nr_routes;

/* Write all of @buf; 0, or -1 when the peer is gone. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The status line and fields of a response with @len bytes of body. */
static int send_head(int fd, int status, const char *reason, long long len, int keep)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %d %s\r\nContent-Length: %lld\r\nConnection: %s\r\n\r\n", status,
			 reason, len, keep ? "keep-alive" : "close");

	return write_all(fd, head, (size_t)n);
}

/* A file without a length (/proc): read whole, then sent with it.  -1: the peer is gone. */
static int send_small(int fd, int in, int head_only, int keep)
{
	static char body[SMALL_MAX];
	size_t len = 0;
	ssize_t n;

	while (len < sizeof(body) && (n = read(in, body + len, sizeof(body) - len)) > 0)
		len += (size_t)n;
	if (send_head(fd, 200, "OK", (long long)len, keep))
		return -1;
	return head_only ? 0 : write_all(fd, body, len);
}

/* @path's bytes as a response body, with sendfile() where the file has a length. */
static int send_file(int fd, const char *path, int head_only, int keep)
{
	int in = open(path, O_RDONLY);
	off_t size, off = 0;
	int ret = 0;

	if (in < 0)
		return send_head(fd, 404, "Not Found", 0, keep);
	size = lseek(in, 0, SEEK_END);
	if (size <= 0) {
		lseek(in, 0, SEEK_SET);
		ret = send_small(fd, in, head_only, keep);
		close(in);
		return ret;
	}
	if (send_head(fd, 200, "OK", (long long)size, keep))
		ret = -1;
	while (!ret && !head_only && off < size) {
		ssize_t n = sendfile(fd, in, &off, (size_t)(size - off));

		if (n == 0 || (n < 0 && errno != EINTR))
			ret = -1; /* the peer is gone, or the file ended early */
	}
	close(in);
	return ret;
}

/* Bytes into @buf until a head ends ("\r\n\r\n"); its length with the empty line, 0 at
 * the end of the connection, -1 if the head is too long. */
static int read_head(int fd, char *buf, int *have)
{
	for (;;) {
		char *end;
		ssize_t n;

		buf[*have] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (end)
			return (int)(end - buf) + 4;
		if (*have >= HEAD_MAX)
			return -1;
		n = read(fd, buf + *have, (size_t)(HEAD_MAX - *have));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		*have += (int)n;
	}
}

/* Does the head (NUL-terminated, lines ending in CRLF) ask to close: an HTTP/1.0 request
 * line, or a Connection field whose value says "close"? */
static int wants_close(const char *head)
{
	const char *line = head, *end;

	for (end = strstr(line, "\r\n"); end; line = end + 2, end = strstr(line, "\r\n")) {
		char value[128];
		size_t len = (size_t)(end - line);

		if (line == head) {
			if (len >= 8 && !strncmp(end - 8, "HTTP/1.0", 8))
				return 1;
			continue;
		}
		if (len <= 11 || strncasecmp(line, "connection:", 11))
			continue;
		len = len - 11 < sizeof(value) ? len - 11 : sizeof(value) - 1;
		memcpy(value, line + 11, len);
		value[len] = '\0';
		if (strcasestr(value, "close"))
			return 1;
	}
	return 0;
}

/* One request of @head; 0 to read the next one on the connection, -1 to close. */
static int answer(int fd, char *head)
{
	char method[8], url[1024];
	int keep = !wants_close(head);
	int i;

	if (sscanf(head, "%7s %1023s", method, url) != 2) {
		send_head(fd, 400, "Bad Request", 0, 0);
		return -1;
	}
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		send_head(fd, 405, "Method Not Allowed", 0, 0);
		return -1;
	}
	for (i = 0; i < nr_routes; i++)
		if (!strcmp(url, routes[i].url))
			break;
	if (i == nr_routes) {
		if (send_head(fd, 404, "Not Found", 0, keep))
			return -1;
	} else if (send_file(fd, routes[i].file, !strcmp(method, "HEAD"), keep)) {
		return -1;
	}
	return keep ? 0 : -1;
}

/* A connection: requests until the client closes, asks to, or is idle for IDLE_S. */
static void serve(int fd)
{
	static char buf[HEAD_MAX + 1];
	struct timeval idle = { .tv_sec = IDLE_S };
	int one = 1, have = 0;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof(idle));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	for (;;) {
		int len = read_head(fd, buf, &have);

		if (len < 0)
			send_head(fd, 431, "Request Header Fields Too Large", 0, 0);
		if (len <= 0)
			break;
		buf[len - 2] = '\0'; /* the head alone, its last CRLF kept */
		if (answer(fd, buf))
			break;
		memmove(buf, buf + len, (size_t)(have - len)); /* a pipelined next request */
		have -= len;
	}
	/* A lingering close: our FIN first, then what the client still sends read and dropped
	 * until it closes, so that unread bytes do not turn the close into a RST that could
	 * destroy the answer before the client has read it (a 431's, a "close" one's). */
	shutdown(fd, SHUT_WR);
	while (read(fd, buf, HEAD_MAX) > 0)
		;
	close(fd);
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	int one = 1, lfd, i;

	char *port;

	if (argc < 3) {
		fprintf(stderr, "usage: %s [ADDR:]PORT URL=FILE...\n", argv[0]);
		return 2;
	}
	port = strchr(argv[1], ':');
	if (port) { /* ADDR:PORT (make test's check, on the host's loopback) */
		*port++ = '\0';
		if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
			fprintf(stderr, "%s: not an IPv4 address: %s\n", argv[0], argv[1]);
			return 2;
		}
	} else {
		port = argv[1];
	}
	routes = calloc((size_t)argc, sizeof(*routes));
	for (i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq || argv[i][0] != '/') {
			fprintf(stderr, "%s: not URL=FILE: %s\n", argv[0], argv[i]);
			return 2;
		}
		*eq = '\0';
		routes[nr_routes++] = (struct route){ .url = argv[i], .file = eq + 1 };
	}
	signal(SIGPIPE, SIG_IGN);
	addr.sin_port = htons((unsigned short)atoi(port));
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) || listen(lfd, 64)) {
		perror("bench_linux_httpd: listen");
		return 1;
	}
	for (;;) {
		int fd = accept(lfd, NULL, NULL);

		if (fd >= 0)
			serve(fd);
	}
}
