/*
 * SEND_ZC with IOSQE_BUFFER_SELECT from a legacy provided buffer (no
 * IORING_RECVSEND_FIXED_BUF), over loopback UDP, then a plain recv.
 * Baseline: the SQE is refused (-EOPNOTSUPP). RFC: the buffer is selected;
 * this exercises the select path that does not go through the fixed-buffer
 * import (see the report: msg.sg_from_iter is not set on that path).
 * Prints "key=value" lines.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static int ring_fd;
static unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
static struct io_uring_sqe *sqes;
static struct io_uring_cqe *cqes;

static int setup(void)
{
	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	ring_fd = (int)syscall(__NR_io_uring_setup, 8, &p);
	if (ring_fd < 0)
		return -1;
	char *sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring_fd, IORING_OFF_SQ_RING);
	char *cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring_fd, IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring_fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED)
		return -1;
	sq_tail = (unsigned *)(sq + p.sq_off.tail);
	sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	sq_array = (unsigned *)(sq + p.sq_off.array);
	cq_head = (unsigned *)(cq + p.cq_off.head);
	cq_tail = (unsigned *)(cq + p.cq_off.tail);
	cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
	cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	return 0;
}

static void submit(const struct io_uring_sqe *in, unsigned wait)
{
	unsigned tail = *sq_tail, idx = tail & *sq_mask;
	sqes[idx] = *in;
	sq_array[idx] = idx;
	__atomic_store_n(sq_tail, tail + 1, __ATOMIC_RELEASE);
	syscall(__NR_io_uring_enter, ring_fd, 1, wait, IORING_ENTER_GETEVENTS, NULL, 0);
}

/* prints and consumes every CQE available; returns how many */
static int reap(const char *what)
{
	int n = 0;
	while (*cq_head != __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE)) {
		struct io_uring_cqe *c = &cqes[*cq_head & *cq_mask];
		printf("%s_cqe=ud:%llu res:%d flags:0x%x\n", what, (unsigned long long)c->user_data, c->res, c->flags);
		__atomic_store_n(cq_head, *cq_head + 1, __ATOMIC_RELEASE);
		n++;
	}
	return n;
}

int main(void)
{
	static char buf[4096];
	memset(buf, 'z', sizeof(buf));
	if (setup()) {
		printf("setup=fail\n");
		return 1;
	}
	struct io_uring_sqe sqe;
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_PROVIDE_BUFFERS;
	sqe.fd = 1; /* one buffer */
	sqe.addr = (unsigned long)buf;
	sqe.len = 512;
	sqe.buf_group = 1;
	sqe.off = 0; /* bid */
	sqe.user_data = 1;
	submit(&sqe, 1);
	reap("provide");

	int rx = socket(AF_INET, SOCK_DGRAM, 0), tx = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(4343), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (bind(rx, (struct sockaddr *)&a, sizeof(a)) || connect(tx, (struct sockaddr *)&a, sizeof(a))) {
		printf("socket=fail\n");
		return 1;
	}
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_SEND_ZC;
	sqe.fd = tx;
	sqe.flags = IOSQE_BUFFER_SELECT;
	sqe.buf_group = 1;
	sqe.len = 0; /* take the whole provided buffer */
	sqe.user_data = 2;
	printf("submitting=send_zc_select\n");
	fflush(stdout);
	submit(&sqe, 1);
	usleep(100000); /* let the notification CQE arrive */
	reap("send_zc");
	char in[1024];
	ssize_t got = recv(rx, in, sizeof(in), MSG_DONTWAIT);
	printf("recv=%zd first=%c\n", got, got > 0 ? in[0] : '-');
	return 0;
}
