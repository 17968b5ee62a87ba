/* SPDX-License-Identifier: MIT */
/*
 * uspec.h: the small runtime every generated uringspec program includes.
 *
 * A scenario only *observes*: it sets up a ring, buffers and a socket pair,
 * issues the SQEs its spec lists, and prints one machine-readable event line
 * per thing that happened (every CQE, ring heads, bytes the peer received).
 * Judging is done by the harness against the reference model, so the same
 * binary serves every kernel profile.
 *
 * Event lines (stdout, one per line, key=value):
 *   uspec v=1 scenario=<id>
 *   setup what=<name> res=<int>            a setup call failed (scenario ends)
 *   sqe step=<n> ud=<u64>                  an SQE was queued
 *   submit step=<n> res=<int>              io_uring_submit() result
 *   cqe step=<n> ud=<u64> res=<int> flags=<hex>
 *   wait step=<n> want=<n> got=<n>         a wait step ended (got < want: timed out)
 *   head step=<n> bgid=<n> head=<n>|err=<int>
 *   peer step=<n> got=<n> total=<n>        a peer_recv/peer_drain step
 *   dgram len=<n>                          one datagram (UDP/AF_UNIX dgram)
 *   peerdata <base64>                      the bytes the peer received, in order
 *   extra ud=<u64> res=<int> flags=<hex>   a CQE after every request completed
 *   end cqes=<n> pending=<n> peer_len=<n>
 */
#ifndef USPEC_H
#define USPEC_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <liburing.h>

#ifndef IORING_RECVSEND_BUNDLE
#define IORING_RECVSEND_BUNDLE (1U << 4)
#endif
#ifndef IORING_CQE_F_BUF_MORE
#define IORING_CQE_F_BUF_MORE (1U << 4)
#endif

/* A program uses only the helpers its scenarios need: the rest must not warn. */
#define USPEC_FN static __attribute__((unused))

/* user_data of setup-only requests (PROVIDE_BUFFERS): never a step's. */
#define USPEC_SETUP_UD 0xffffffffffff0000ULL

enum uspec_sock { USPEC_TCP, USPEC_UDP, USPEC_UNIX_STREAM, USPEC_UNIX_DGRAM };

struct uspec {
	struct io_uring ring;
	int ring_ok;
	int fd;        /* the io_uring side of the socket pair */
	int peer;      /* the receiving end, read with plain recv() */
	int dgram;     /* peer reads datagrams */
	unsigned pending; /* requests submitted whose final CQE has not arrived */
	unsigned queued;  /* SQEs prepared but not yet submitted */
	unsigned cqes;
	unsigned char *peer_data;
	size_t peer_len, peer_cap;
	/* What a reproducer checks at the end: every CQE and the last ring heads. */
	struct { uint64_t ud; int res; unsigned flags; } log[256];
	unsigned nlog;
	struct { int bgid; int head; } heads[16];
	unsigned nheads;
};

static void uspec_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
USPEC_FN void uspec_out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Same function as specs/fill.ts taggedByte(): the harness rebuilds buffers with it. */
static inline unsigned char uspec_tagged_byte(uint32_t tag, uint32_t k)
{
	uint32_t x = tag * 0x9e3779b1u + k * 0x85ebca77u;

	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	x ^= x >> 12;
	x *= 0x297a2d39u;
	x ^= x >> 15;
	return (unsigned char)(x & 0xff);
}

USPEC_FN void uspec_fill_tagged(unsigned char *p, size_t len, uint32_t tag)
{
	for (size_t k = 0; k < len; k++)
		p[k] = uspec_tagged_byte(tag, (uint32_t)k);
}

USPEC_FN void uspec_fill_seq(unsigned char *p, size_t len, unsigned start)
{
	for (size_t k = 0; k < len; k++)
		p[k] = (unsigned char)((start + k) & 0xff);
}

USPEC_FN void uspec_fill_text(unsigned char *p, size_t len, const char *text, size_t tlen)
{
	for (size_t k = 0; k < len; k++)
		p[k] = (unsigned char)text[k % tlen];
}

USPEC_FN void uspec_die(const char *what)
{
	uspec_out("fatal what=%s errno=%d", what, errno);
	exit(3);
}

/* size bytes starting page_offset bytes into a fresh page-aligned block. */
USPEC_FN unsigned char *uspec_alloc(size_t size, size_t page_offset)
{
	void *p;

	if (posix_memalign(&p, 4096, size + page_offset))
		uspec_die("posix_memalign");
	memset(p, 0, size + page_offset);
	return (unsigned char *)p + page_offset;
}

USPEC_FN int uspec_socketpair(struct uspec *u, enum uspec_sock type, int sndbuf, int rcvbuf, int nonblock)
{
	int fds[2] = { -1, -1 };

	if (type == USPEC_UNIX_STREAM || type == USPEC_UNIX_DGRAM) {
		if (socketpair(AF_UNIX, type == USPEC_UNIX_STREAM ? SOCK_STREAM : SOCK_DGRAM, 0, fds))
			return -errno;
	} else {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		struct sockaddr_in b = a;
		socklen_t alen = sizeof(a);
		int st = type == USPEC_TCP ? SOCK_STREAM : SOCK_DGRAM;
		int l = socket(AF_INET, st, 0);

		if (l < 0)
			return -errno;
		if (bind(l, (struct sockaddr *)&a, sizeof(a)) || getsockname(l, (struct sockaddr *)&a, &alen))
			return -errno;
		fds[0] = socket(AF_INET, st, 0);
		if (fds[0] < 0)
			return -errno;
		if (type == USPEC_TCP) {
			if (listen(l, 1) || connect(fds[0], (struct sockaddr *)&a, sizeof(a)))
				return -errno;
			fds[1] = accept(l, NULL, NULL);
			close(l);
			if (fds[1] < 0)
				return -errno;
		} else {
			/* UDP: the listener becomes the peer; both ends connected. */
			if (bind(fds[0], (struct sockaddr *)&b, sizeof(b)) || getsockname(fds[0], (struct sockaddr *)&b, &alen))
				return -errno;
			if (connect(fds[0], (struct sockaddr *)&a, sizeof(a)) || connect(l, (struct sockaddr *)&b, sizeof(b)))
				return -errno;
			fds[1] = l;
		}
	}
	if (sndbuf && setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)))
		return -errno;
	if (rcvbuf && setsockopt(fds[1], SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)))
		return -errno;
	if (nonblock && fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK))
		return -errno;
	u->fd = fds[0];
	u->peer = fds[1];
	u->dgram = type == USPEC_UDP || type == USPEC_UNIX_DGRAM;
	return 0;
}

USPEC_FN struct io_uring_sqe *uspec_sqe(struct uspec *u)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);

	if (!sqe)
		uspec_die("sq_full");
	u->queued++;
	return sqe;
}

USPEC_FN void uspec_submit(struct uspec *u, int step)
{
	int ret;

	if (!u->queued)
		return;
	ret = io_uring_submit(&u->ring);
	uspec_out("submit step=%d res=%d", step, ret);
	if (ret > 0)
		u->pending += (unsigned)ret;
	u->queued = 0;
}

USPEC_FN void uspec_print_cqe(struct uspec *u, int step, struct io_uring_cqe *cqe)
{
	if (u->nlog < sizeof(u->log) / sizeof(u->log[0])) {
		u->log[u->nlog].ud = cqe->user_data;
		u->log[u->nlog].res = cqe->res;
		u->log[u->nlog].flags = cqe->flags;
		u->nlog++;
	}
	u->cqes++;
	uspec_out("cqe step=%d ud=%" PRIu64 " res=%d flags=0x%x", step, (uint64_t)cqe->user_data, cqe->res, cqe->flags);
	if (!(cqe->flags & IORING_CQE_F_MORE) && u->pending)
		u->pending--;
}

/* Reaps CQEs until want have arrived (or timeout_ms passes); prints each. */
USPEC_FN unsigned uspec_wait(struct uspec *u, int step, unsigned want, int timeout_ms)
{
	unsigned got = 0;
	struct timespec start, now;

	uspec_submit(u, step);
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (got < want) {
		struct io_uring_cqe *cqe;
		struct __kernel_timespec ts;
		long left;
		int ret;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left = timeout_ms - ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
		if (left <= 0)
			break;
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (left % 1000) * 1000000;
		ret = io_uring_wait_cqe_timeout(&u->ring, &cqe, &ts);
		if (ret == -ETIME || ret == -EINTR)
			continue;
		if (ret < 0) {
			uspec_out("wait_error step=%d res=%d", step, ret);
			break;
		}
		uspec_print_cqe(u, step, cqe);
		io_uring_cqe_seen(&u->ring, cqe);
		got++;
	}
	return got;
}

USPEC_FN void uspec_wait_step(struct uspec *u, int step, unsigned want, int timeout_ms)
{
	unsigned got = uspec_wait(u, step, want, timeout_ms);

	uspec_out("wait step=%d want=%u got=%u", step, want, got);
}

USPEC_FN void uspec_head(struct uspec *u, int step, int bgid)
{
	uint16_t head = 0;
	int ret = io_uring_buf_ring_head(&u->ring, bgid, &head);

	unsigned i;

	for (i = 0; i < u->nheads && u->heads[i].bgid != bgid; i++)
		;
	if (i < sizeof(u->heads) / sizeof(u->heads[0])) {
		u->heads[i].bgid = bgid;
		u->heads[i].head = ret ? ret : head;
		if (i == u->nheads)
			u->nheads++;
	}
	if (ret)
		uspec_out("head step=%d bgid=%d err=%d", step, bgid, ret);
	else
		uspec_out("head step=%d bgid=%d head=%u", step, bgid, head);
}

USPEC_FN void uspec_peer_keep(struct uspec *u, const unsigned char *p, size_t n)
{
	if (u->peer_len + n > u->peer_cap) {
		size_t cap = u->peer_cap ? u->peer_cap : 65536;

		while (cap < u->peer_len + n)
			cap *= 2;
		u->peer_data = realloc(u->peer_data, cap);
		if (!u->peer_data)
			uspec_die("realloc");
		u->peer_cap = cap;
	}
	memcpy(u->peer_data + u->peer_len, p, n);
	u->peer_len += n;
}

/* Reads on the peer: up to len bytes (stream) or one datagram, waiting up to timeout_ms. */
USPEC_FN void uspec_peer_recv(struct uspec *u, int step, size_t len, int timeout_ms)
{
	static unsigned char tmp[1 << 16];
	size_t got = 0;

	uspec_submit(u, step);
	while (got < len) {
		struct pollfd pfd = { .fd = u->peer, .events = POLLIN };
		size_t want = len - got < sizeof(tmp) ? len - got : sizeof(tmp);
		ssize_t n;

		if (poll(&pfd, 1, timeout_ms) <= 0)
			break;
		n = recv(u->peer, tmp, u->dgram ? sizeof(tmp) : want, MSG_DONTWAIT);
		/* 0 is end of stream, but an empty datagram is a datagram */
		if (n < 0 || (n == 0 && !u->dgram))
			break;
		if (u->dgram)
			uspec_out("dgram len=%zd", n);
		uspec_peer_keep(u, tmp, (size_t)n);
		got += (size_t)n;
		if (u->dgram)
			break;
	}
	uspec_out("peer step=%d got=%zu total=%zu", step, got, u->peer_len);
}

/* Reads everything already queued on the peer, without waiting. */
USPEC_FN void uspec_peer_drain(struct uspec *u, int step)
{
	static unsigned char tmp[1 << 16];
	size_t got = 0;
	ssize_t n;

	uspec_submit(u, step);
	while ((n = recv(u->peer, tmp, sizeof(tmp), MSG_DONTWAIT)) > 0 || (n == 0 && u->dgram)) {
		if (u->dgram)
			uspec_out("dgram len=%zd", n);
		uspec_peer_keep(u, tmp, (size_t)n);
		got += (size_t)n;
	}
	uspec_out("peer step=%d got=%zu total=%zu", step, got, u->peer_len);
}

USPEC_FN void uspec_print_peerdata(struct uspec *u)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char line[80];
	size_t i = 0;

	while (i < u->peer_len) {
		size_t o = 0, end = i + 57 < u->peer_len ? i + 57 : u->peer_len;

		for (; i < end; i += 3) {
			uint32_t v = (uint32_t)u->peer_data[i] << 16;
			size_t n = end - i;

			if (n > 1)
				v |= (uint32_t)u->peer_data[i + 1] << 8;
			if (n > 2)
				v |= u->peer_data[i + 2];
			line[o++] = b64[(v >> 18) & 63];
			line[o++] = b64[(v >> 12) & 63];
			line[o++] = n > 1 ? b64[(v >> 6) & 63] : '=';
			line[o++] = n > 2 ? b64[v & 63] : '=';
		}
		line[o] = 0;
		uspec_out("peerdata %s", line);
	}
}

/*
 * End of a scenario: submit what is queued, reap until every request has
 * posted its final CQE (a CQE with F_MORE promises another, e.g. the zero-copy
 * notification), drain the peer, then report anything extra.
 */
USPEC_FN void uspec_finish(struct uspec *u, int step, int timeout_ms)
{
	struct io_uring_cqe *cqe;

	uspec_submit(u, step);
	while (u->pending) {
		unsigned before = u->cqes;

		uspec_wait(u, step, 1, timeout_ms);
		if (u->cqes == before)
			break;
		/* Zero-copy notifications for loopback arrive once the peer consumed the skb. */
		if (u->pending)
			uspec_peer_drain(u, step);
	}
	uspec_peer_drain(u, step);
	while (io_uring_peek_cqe(&u->ring, &cqe) == 0) {
		uspec_out("extra ud=%" PRIu64 " res=%d flags=0x%x", (uint64_t)cqe->user_data, cqe->res, cqe->flags);
		io_uring_cqe_seen(&u->ring, cqe);
	}
}

/* Last line of every scenario: the harness treats output without it as incomplete. */
USPEC_FN void uspec_end(struct uspec *u)
{
	uspec_out("end cqes=%u pending=%u peer_len=%zu", u->cqes, u->pending, u->peer_len);
}

/* What a scenario returns when setup fails: an observation (0) in the suite, a skip (77) in reproducers. */
#ifndef USPEC_SETUP_FAILED
#define USPEC_SETUP_FAILED 0
#endif

/* A setup call failed: report it as an observation and end the scenario. */
#define USPEC_SETUP(u, what, expr)                                         \
	do {                                                               \
		int _r = (expr);                                           \
		if (_r < 0) {                                              \
			uspec_out("setup what=%s res=%d", what, _r);      \
			uspec_out("end cqes=%u pending=%u peer_len=%zu", (u)->cqes, (u)->pending, (u)->peer_len); \
			return USPEC_SETUP_FAILED;                         \
		}                                                          \
	} while (0)

/* Classic IORING_OP_PROVIDE_BUFFERS, synchronous, as part of setup. */
USPEC_FN int uspec_provide(struct uspec *u, void *addr, int len, int nr, int bgid, int bid)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);
	struct io_uring_cqe *cqe;
	int ret;

	if (!sqe)
		return -EBUSY;
	io_uring_prep_provide_buffers(sqe, addr, len, nr, bgid, bid);
	sqe->user_data = USPEC_SETUP_UD;
	ret = io_uring_submit_and_wait(&u->ring, 1);
	if (ret < 0)
		return ret;
	ret = io_uring_wait_cqe(&u->ring, &cqe);
	if (ret < 0)
		return ret;
	ret = cqe->res;
	io_uring_cqe_seen(&u->ring, cqe);
	return ret < 0 ? ret : 0;
}

/* A buffer ring registered with IORING_REGISTER_PBUF_RING. */
USPEC_FN int uspec_buf_ring(struct uspec *u, struct io_uring_buf_ring **br, unsigned entries, int bgid)
{
	int ret = 0;

	*br = io_uring_setup_buf_ring(&u->ring, entries, bgid, 0, &ret);
	return *br ? 0 : (ret ? ret : -ENOMEM);
}

/*
 * Checks used by standalone reproducers (uringspec repro): each prints what
 * was expected and what happened, and returns 1 on a mismatch.
 */
USPEC_FN int uspec_nth_cqe(struct uspec *u, uint64_t ud, unsigned nth)
{
	for (unsigned i = 0; i < u->nlog; i++)
		if (u->log[i].ud == ud && nth-- == 0)
			return (int)i;
	return -1;
}

USPEC_FN unsigned uspec_count_cqes(struct uspec *u, uint64_t ud)
{
	unsigned n = 0;

	for (unsigned i = 0; i < u->nlog; i++)
		n += u->log[i].ud == ud;
	return n;
}

USPEC_FN int uspec_expect_count(struct uspec *u, uint64_t ud, unsigned want)
{
	unsigned got = uspec_count_cqes(u, ud);

	if (got == want)
		return 0;
	printf("FAIL user_data %" PRIu64 ": expected %u CQE(s), got %u\n", ud, want, got);
	return 1;
}

USPEC_FN int uspec_expect_cqe(struct uspec *u, uint64_t ud, unsigned nth, int min, int max, unsigned flags, const char *rule)
{
	int i = uspec_nth_cqe(u, ud, nth);

	if (i < 0) {
		printf("FAIL user_data %" PRIu64 " CQE #%u: missing (expected res %d, flags 0x%x) [%s]\n", ud, nth, min, flags, rule);
		return 1;
	}
	if (u->log[i].res < min || u->log[i].res > max) {
		if (min == max)
			printf("FAIL user_data %" PRIu64 " CQE #%u: res expected %d, got %d [%s]\n", ud, nth, min, u->log[i].res, rule);
		else
			printf("FAIL user_data %" PRIu64 " CQE #%u: res expected %d..%d, got %d [%s]\n", ud, nth, min, max, u->log[i].res, rule);
		return 1;
	}
	if (u->log[i].flags != flags) {
		printf("FAIL user_data %" PRIu64 " CQE #%u: flags expected 0x%x, got 0x%x [%s]\n", ud, nth, flags, u->log[i].flags, rule);
		return 1;
	}
	return 0;
}

USPEC_FN int uspec_res(struct uspec *u, uint64_t ud, unsigned nth)
{
	int i = uspec_nth_cqe(u, ud, nth);

	return i < 0 ? 0 : u->log[i].res;
}

USPEC_FN int uspec_expect_head(struct uspec *u, int bgid, int want, const char *rule)
{
	for (unsigned i = 0; i < u->nheads; i++) {
		if (u->heads[i].bgid != bgid)
			continue;
		if (u->heads[i].head == want)
			return 0;
		printf("FAIL ring %d head: expected %d, got %d [%s]\n", bgid, want, u->heads[i].head, rule);
		return 1;
	}
	printf("FAIL ring %d head: not reported\n", bgid);
	return 1;
}

struct uspec_src {
	const unsigned char *p;
	size_t len;
};

/* The bytes a completion says were sent: res when positive, else none. */
USPEC_FN size_t uspec_sent(int res)
{
	return res > 0 ? (size_t)res : 0;
}

/* Appends the first res bytes of the sources (what one completion sent) to dst. */
USPEC_FN size_t uspec_chunk(unsigned char *dst, int res, const struct uspec_src *src, unsigned nsrc)
{
	size_t n = 0, left = res > 0 ? (size_t)res : 0;

	for (unsigned i = 0; i < nsrc && left; i++) {
		size_t take = src[i].len < left ? src[i].len : left;

		memcpy(dst + n, src[i].p, take);
		n += take;
		left -= take;
	}
	return n;
}

USPEC_FN int uspec_expect_peer(struct uspec *u, const unsigned char *want, size_t len)
{
	size_t i, n = len < u->peer_len ? len : u->peer_len;

	for (i = 0; i < n && want[i] == u->peer_data[i]; i++)
		;
	if (i == len && len == u->peer_len)
		return 0;
	if (i == n)
		printf("FAIL peer received %zu bytes, expected %zu\n", u->peer_len, len);
	else {
		printf("FAIL peer bytes differ at offset %zu:\n  expected", i);
		for (size_t k = i; k < i + 16 && k < len; k++)
			printf(" %02x", want[k]);
		printf("\n  got     ");
		for (size_t k = i; k < i + 16 && k < u->peer_len; k++)
			printf(" %02x", u->peer_data[k]);
		printf("\n");
	}
	return 1;
}

#endif
