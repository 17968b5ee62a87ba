/* Same NOP round trip as uring-smoke.c, through static liburing (when built). */
#include <liburing.h>
#include <stdio.h>
int main(void)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	int ret = io_uring_queue_init(4, &ring, 0);
	if (ret) {
		printf("queue_init=%d\n", ret);
		return 1;
	}
	io_uring_prep_nop(io_uring_get_sqe(&ring));
	io_uring_submit(&ring);
	ret = io_uring_wait_cqe(&ring, &cqe);
	printf("liburing_nop=%d wait=%d\n", cqe ? cqe->res : -1, ret);
	io_uring_queue_exit(&ring);
	return 0;
}
