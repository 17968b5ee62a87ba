/*
 * Why this file exists: the guest's framing (escape(), emit_data() and the
 * crc32 of src/vm/guest/init.c) compiled and run on the host, so the test of
 * the ttyS1 protocol (test/vm/frames.test.ts) reads what the real C writes,
 * not a TypeScript copy of it. init.c is included whole; its main() is renamed.
 *
 * usage: init-frames out|gcda <id>   (the payload on stdin; the records on stdout)
 *        init-frames cov <id> <after>  (built with -DGCOV_ROOT=<before>: the reset
 *        state read from <before>, then each file replaced by <after>'s, then
 *        the item's records, as a coverage boot sends them)
 */
#define main uspec_guest_main
#include "../../src/vm/guest/init.c"
#undef main

int main(int argc, char **argv)
{
	static unsigned char buf[1 << 20];
	size_t len = 0;
	ssize_t n;
	char head[512];

	if (argc == 4 && !strcmp(argv[1], "cov")) {
		out_fd = 1;
		find_gcda("");
		cov_send_base();
		for (int i = 0; i < n_gcda; i++) {
			char from[4096], to[4096];
			snprintf(from, sizeof(from), "%s/%s", argv[3], gcda[i]);
			snprintf(to, sizeof(to), GCOV_ROOT "/%s", gcda[i]);
			int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_TRUNC);
			if (in < 0 || out < 0)
				return 3;
			while ((n = read(in, buf, sizeof(buf))) > 0)
				write_all(out, (const char *)buf, (size_t)n);
			close(in);
			close(out);
		}
		cov_send(argv[2]);
		return 0;
	}
	if (argc != 3)
		return 2;
	while ((n = read(0, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)n;
	out_fd = 1;
	if (!strcmp(argv[1], "out")) {
		snprintf(head, sizeof(head), "OUT %s", argv[2]);
		emit("@@USPEC BEGIN %s", argv[2]);
		emit_data(head, buf, len, CHUNK, 1);
		emit("@@USPEC END %s status=exited:0 dur_us=1 crc=%08x", argv[2], crc32_update(0, buf, len));
	} else {
		snprintf(head, sizeof(head), "GCDA %s root/obj/io_uring/net.gcda", argv[2]);
		emit_data(head, buf, len, GCDA_CHUNK, 0);
		emit("@@USPEC GCDAEND %s files=1 bytes=%zu crc=%08x", argv[2], len, crc32_update(0, buf, len));
	}
	return 0;
}
