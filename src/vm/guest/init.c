/*
 * uringspec guest init: PID 1 of the initramfs.
 *
 * Runs the items listed in /uspec/manifest one after another and reports on
 * /dev/ttyS1, a serial port of its own, so the kernel console (ttyS0, where a
 * panic is printed) never interleaves with our framing. Protocol, one record
 * per line:
 *
 *   @@USPEC READY <items> <start>
 *   @@USPEC BEGIN <id>
 *   @@USPEC OUT <id> <escaped bytes>     stdout, in order, chunked
 *   @@USPEC ERR <id> <escaped bytes>     stderr, in order, chunked
 *   @@USPEC END <id> status=exited:N|signaled:N|timeout dur_us=N crc=XXXXXXXX
 *   @@USPEC KLOG <id> <escaped kmsg line>  splats seen while the item ran
 *   @@USPEC GCDABASE <path> <escaped bytes>  coverage (uspec.cov=1): a gcda file as reset, chunked
 *   @@USPEC GCDABASEEND files=N bytes=N crc=XXXXXXXX   (before READY)
 *   @@USPEC GCDAW <id> <path> <w>=<v>,...  words of a gcda file that differ from its reset state (hex)
 *   @@USPEC GCDA <id> <path> <escaped bytes>  a whole gcda file (its size differs from its reset state)
 *   @@USPEC GCDAEND <id> files=N bytes=N crc=XXXXXXXX
 *   @@USPEC DONE
 *
 * Escaping: every byte outside printable ASCII, and '\', becomes \xHH, so an
 * item's output can never contain a newline and can never start a record.
 * crc is the zlib CRC-32 of the raw stdout bytes; the host checks it.
 *
 * Manifest line: <id>\t<timeout_ms>\t<argv0>\t<argv1>...
 * Kernel command line: uspec.start=N skips the first N items (resume after a
 * crash: the host boots again from the item after the one that crashed);
 * uspec.only=I,J,... runs just those items, in that order (crash triage: a
 * replay of one item, or of a short sequence, in a fresh guest).
 * uspec.wait=1 (snapshot mode): after READY, wait for one line on ttyS1 from
 * the host, "RUN start=N" or "RUN only=I,J,...", then run as above. The host
 * saves the guest while it waits and restores that state for later boots,
 * so a fresh guest costs a restore, not a boot.
 *
 *
 * Coverage (uspec.cov=1, a kernel with CONFIG_GCOV_KERNEL): at boot the
 * counters are reset and every .gcda file under /sys/kernel/debug/gcov is
 * sent once as it reads then, its reset state (GCDABASE records: path relative
 * to that directory, bytes escaped as OUT's; GCDABASEEND with the file count,
 * byte count and CRC-32 of all their bytes in order). The counters are reset
 * before each item and, after its END and KLOG records, each file is read
 * again and only what differs from its reset state is sent: the 32-bit words
 * (a .gcda file is made of them; a counter is two) that changed, as
 * <word index>=<value> in hex, in order (GCDAW), or the whole file when its
 * size changed (GCDA). GCDAEND closes an item's counters with the number of
 * files sent, the payload's byte count and its CRC-32, in order: a whole
 * file's bytes, and for each changed word its index and value as two
 * little-endian 32-bit words (8 bytes). The serial line is the cost of
 * coverage (~60 KB/s under TCG): an item's counters are mostly zero, so this
 * is ~2-5 KiB per item where whole files were ~150 KiB, escaped four times
 * over (docs/coverage.md, "What it costs").
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 256 /* raw bytes per OUT/ERR record */
#define SPLAT_LINES 400 /* kmsg lines forwarded per item, at most */
#define GCDA_CHUNK 1536 /* raw bytes per GCDA record: escaped, it fits emit()'s line */
#define WORDS_PER_RECORD 256 /* changed words per GCDAW record: it fits emit()'s line */

static int out_fd = -1; /* /dev/ttyS1, or the console as a last resort */

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

static void emit(const char *fmt, ...)
{
	char line[8192];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	write_all(out_fd, line, (size_t)n);
}

/* diagnostics go to the console (ttyS0), never into the framed channel */
static void diag(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		write_all(2, line, strlen(line));
}

static size_t escape(char *dst, const unsigned char *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = src[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			dst[o++] = (char)c;
		} else {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		}
	}
	dst[o] = 0;
	return o;
}

/* head: "OUT <id>", "GCDA <id> <path>"; text output breaks after a newline
 * so the raw log stays readable, binary goes in chunks of `chunk` */
static void emit_data(const char *head, const unsigned char *buf, size_t len, size_t chunk, int text)
{
	char esc[GCDA_CHUNK * 4 + 1];
	while (len > 0) {
		size_t n = len < chunk ? len : chunk;
		const unsigned char *nl = text ? memchr(buf, '\n', n) : NULL;
		if (nl)
			n = (size_t)(nl - buf) + 1;
		escape(esc, buf, n);
		emit("@@USPEC %s %s", head, esc);
		buf += n;
		len -= n;
	}
}

/* zlib CRC-32 (reflected, poly 0xedb88320), incremental */
static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t len)
{
	static uint32_t table[256];
	static int ready;
	if (!ready) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
		ready = 1;
	}
	crc = ~crc;
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void mount_early(void)
{
	mkdir("/proc", 0555);
	mkdir("/sys", 0555);
	mkdir("/dev", 0755);
	mkdir("/tmp", 01777);
	if (mount("proc", "/proc", "proc", 0, NULL))
		diag("uspec-init: mount /proc: %s\n", strerror(errno));
	if (mount("sysfs", "/sys", "sysfs", 0, NULL))
		diag("uspec-init: mount /sys: %s\n", strerror(errno));
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) && errno != EBUSY)
		diag("uspec-init: mount /dev: %s\n", strerror(errno));
	/* tmpfs may be absent in a user-supplied kernel: /tmp then stays on rootfs */
	mount("tmpfs", "/tmp", "tmpfs", 0, "mode=1777");
	mkdir("/dev/shm", 01777);
	mount("tmpfs", "/dev/shm", "tmpfs", 0, "mode=1777");
}

/* lo up; Linux assigns 127.0.0.1/8 and ::1 itself on NETDEV_UP, set v4 anyway */
static void loopback_up(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		diag("uspec-init: socket: %s (no networking in this kernel?)\n", strerror(errno));
		return;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ioctl(s, SIOCSIFADDR, &ifr) && errno != EEXIST)
		diag("uspec-init: SIOCSIFADDR lo: %s\n", strerror(errno));
	sin->sin_addr.s_addr = htonl(0xff000000u);
	ioctl(s, SIOCSIFNETMASK, &ifr);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		if (ioctl(s, SIOCSIFFLAGS, &ifr))
			diag("uspec-init: SIOCSIFFLAGS lo: %s\n", strerror(errno));
	}
	close(s);
}

static void open_channel(void)
{
	out_fd = open("/dev/ttyS1", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (out_fd < 0) {
		diag("uspec-init: /dev/ttyS1: %s; framing on the console\n", strerror(errno));
		out_fd = 1;
		return;
	}
	struct termios t;
	if (tcgetattr(out_fd, &t) == 0) {
		cfmakeraw(&t); /* no \n -> \r\n, no echo */
		cfsetospeed(&t, B115200);
		tcsetattr(out_fd, TCSANOW, &t);
	}
}

#define MAX_ONLY 64

static char cmdline[4096];

static void read_cmdline(void)
{
	int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, cmdline, sizeof(cmdline) - 1);
	close(fd);
	cmdline[n > 0 ? n : 0] = 0;
}

static long param_start(const char *s)
{
	const char *p = strstr(s, "uspec.start=");
	if (!p)
		p = strstr(s, "start=");
	if (!p)
		return 0;
	return strtol(strchr(p, '=') + 1, NULL, 10);
}

/* uspec.only=I,J,... (or only=... in a RUN line): the item indices to run, in order; 0 when absent. */
static int param_only(const char *s, long *only)
{
	const char *p = strstr(s, "only=");
	int n = 0;
	if (!p)
		return 0;
	p += strlen("only=");
	while (n < MAX_ONLY) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		only[n++] = v;
		if (*end != ',')
			break;
		p = end + 1;
	}
	return n;
}

/* Snapshot mode: one "RUN ..." line from the host on ttyS1. */
static void read_run_line(char *buf, size_t size)
{
	size_t n = 0;
	while (n + 1 < size) {
		char c;
		ssize_t r = read(out_fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		if (c != '\r')
			buf[n++] = c;
	}
	buf[n] = 0;
}

/* ---- kernel log ---- */
static int kmsg_fd = -1;

static int is_splat(const char *msg)
{
	static const char *const pat[] = { "BUG:", "WARNING:", "Oops", "KASAN", "general protection",
					   "panic", "Call Trace", "refcount_t", "UBSAN", NULL };
	/* the echoed command line carries panic=-1 oops=panic: not a splat */
	if (strstr(msg, "ommand line:"))
		return 0;
	for (int i = 0; pat[i]; i++)
		if (strstr(msg, pat[i]))
			return 1;
	return 0;
}

/* Forwards splat lines logged since the last call. After a matching line the
 * next SPLAT_FOLLOW lines (register dump, trace) go too, until "end trace". */
#define SPLAT_FOLLOW 60
static void drain_kmsg(const char *id)
{
	char rec[8192], esc[8192 * 4 + 1];
	int follow = 0, sent = 0;
	if (kmsg_fd < 0)
		return;
	for (;;) {
		ssize_t n = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0) {
			if (errno == EPIPE || errno == EINTR) /* EPIPE: ring overwritten, go on from the oldest */
				continue;
			return; /* EAGAIN: caught up */
		}
		if (n == 0)
			return;
		rec[n] = 0;
		char *msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		char *nl = strchr(msg, '\n');
		if (nl)
			*nl = 0;
		if (is_splat(msg))
			follow = SPLAT_FOLLOW + 1;
		if (follow > 0 && sent < SPLAT_LINES) {
			/* 1 KiB of a kmsg line is plenty; keeps the record under emit()'s buffer */
			size_t len = strlen(msg);
			escape(esc, (unsigned char *)msg, len > 1024 ? 1024 : len);
			emit("@@USPEC KLOG %s %s", id, esc);
			sent++;
			follow = strstr(msg, "---[ end trace") ? 0 : follow - 1;
		}
	}
}

/* ---- coverage (gcov) ---- */
#ifndef GCOV_ROOT /* the host test of the coverage records (test/vm/init-frames.c) sets its own */
#define GCOV_ROOT "/sys/kernel/debug/gcov"
#endif

static int cov_on;
static char **gcda; /* paths relative to GCOV_ROOT */
static int n_gcda, cap_gcda;

static void find_gcda(const char *rel)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s%s%s", GCOV_ROOT, *rel ? "/" : "", rel);
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char sub[4096];
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		size_t len = strlen(e->d_name);
		if (e->d_type == DT_DIR) {
			find_gcda(sub);
		} else if (e->d_type == DT_REG && len > 5 && !strcmp(e->d_name + len - 5, ".gcda")) {
			if (n_gcda == cap_gcda) {
				cap_gcda = cap_gcda ? cap_gcda * 2 : 64;
				gcda = realloc(gcda, (size_t)cap_gcda * sizeof(*gcda));
				if (!gcda)
					return;
			}
			gcda[n_gcda++] = strdup(sub);
		}
	}
	closedir(d);
}

static void cov_send_base(void);

/* 0 when coverage is off or ready; -1 (an ERROR record sent) when asked for and impossible */
static int cov_setup(void)
{
	if (!strstr(cmdline, "uspec.cov=1"))
		return 0;
	mkdir("/sys/kernel/debug", 0700);
	if (mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL) && errno != EBUSY) {
		emit("@@USPEC ERROR coverage asked for (uspec.cov=1) but debugfs does not mount: %s (CONFIG_DEBUG_FS)",
		     strerror(errno));
		return -1;
	}
	if (access(GCOV_ROOT "/reset", W_OK)) {
		emit("@@USPEC ERROR coverage asked for (uspec.cov=1) but this kernel has no " GCOV_ROOT
		     "/reset (CONFIG_GCOV_KERNEL)");
		return -1;
	}
	find_gcda("");
	if (n_gcda == 0) {
		emit("@@USPEC ERROR coverage asked for (uspec.cov=1) but no object is profiled (no .gcda under " GCOV_ROOT
		     ")");
		return -1;
	}
	cov_on = 1;
	cov_send_base();
	return 0;
}

static void cov_reset(void)
{
	int fd = open(GCOV_ROOT "/reset", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		write_all(fd, "1", 1);
		close(fd);
	}
}

/* the whole of one gcda file into *buf (grown as needed); its length, or -1 */
static long read_gcda(int i, unsigned char **buf, size_t *cap)
{
	char path[4096];
	snprintf(path, sizeof(path), GCOV_ROOT "/%s", gcda[i]);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t len = 0;
	for (;;) {
		if (len + 65536 > *cap) {
			size_t ncap = *cap ? *cap * 2 : 1 << 20;
			unsigned char *nb = realloc(*buf, ncap);
			if (!nb) {
				close(fd);
				return -1;
			}
			*buf = nb;
			*cap = ncap;
		}
		ssize_t n = read(fd, *buf + len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	return (long)len;
}

/* each file's reset state, read once at boot: what an item's counters are sent against */
static unsigned char **base;
static size_t *base_len;

static void cov_send_base(void)
{
	unsigned char *buf = NULL;
	size_t cap = 0;
	uint32_t crc = 0;
	unsigned long long total = 0;
	int sent = 0;
	base = calloc((size_t)n_gcda, sizeof(*base));
	base_len = calloc((size_t)n_gcda, sizeof(*base_len));
	cov_reset();
	for (int i = 0; i < n_gcda && base && base_len; i++) {
		long len = read_gcda(i, &buf, &cap);
		if (len <= 0 || !(base[i] = malloc((size_t)len)))
			continue;
		memcpy(base[i], buf, (size_t)len);
		base_len[i] = (size_t)len;
		char head[4600];
		snprintf(head, sizeof(head), "GCDABASE %s", gcda[i]);
		emit_data(head, buf, (size_t)len, GCDA_CHUNK, 0);
		crc = crc32_update(crc, buf, (size_t)len);
		total += (unsigned long long)len;
		sent++;
	}
	free(buf);
	emit("@@USPEC GCDABASEEND files=%d bytes=%llu crc=%08x", sent, total, crc);
}

static void cov_send(const char *id)
{
	static unsigned char *buf;
	static size_t cap;
	uint32_t crc = 0;
	unsigned long long total = 0;
	int sent = 0;
	/* work the ring's teardown queued (io_ring_exit_work in a kworker) runs
	 * before the counters are read, not in the next item's count */
	usleep(2000);
	for (int i = 0; i < n_gcda; i++) {
		long got = read_gcda(i, &buf, &cap);
		if (got <= 0)
			continue;
		size_t len = (size_t)got;
		char head[4600];
		if (!base[i] || len != base_len[i] || len % 4) {
			snprintf(head, sizeof(head), "GCDA %s %s", id, gcda[i]);
			emit_data(head, buf, len, GCDA_CHUNK, 0);
			crc = crc32_update(crc, buf, len);
			total += len;
			sent++;
			continue;
		}
		/* the 32-bit words that differ (gcda is made of them: a counter is two), as
		 * index=value in hex, a record at most WORDS_PER_RECORD of them */
		char rec[WORDS_PER_RECORD * 18 + 1];
		size_t o = 0;
		int in_rec = 0, any = 0;
		for (size_t w = 0; w * 4 + 4 <= len; w++) {
			uint32_t now, was;
			memcpy(&now, buf + w * 4, 4);
			memcpy(&was, base[i] + w * 4, 4);
			if (now == was)
				continue;
			unsigned char canon[8];
			uint32_t idx = (uint32_t)w;
			memcpy(canon, &idx, 4);
			memcpy(canon + 4, &now, 4);
			crc = crc32_update(crc, canon, 8);
			total += 8;
			o += (size_t)snprintf(rec + o, sizeof(rec) - o, "%s%x=%x", in_rec ? "," : "", idx, now);
			any = 1;
			if (++in_rec == WORDS_PER_RECORD) {
				emit("@@USPEC GCDAW %s %s %s", id, gcda[i], rec);
				o = 0;
				in_rec = 0;
			}
		}
		if (in_rec)
			emit("@@USPEC GCDAW %s %s %s", id, gcda[i], rec);
		sent += any;
	}
	emit("@@USPEC GCDAEND %s files=%d bytes=%llu crc=%08x", id, sent, total, crc);
}

/* ---- items ---- */
struct item {
	char *id;
	long timeout_ms;
	char **argv; /* NULL-terminated */
};

static struct item *items;
static long n_items;

/* grows as needed: a fixed table sized for the worst case would not fit a
 * small (or KASAN-shadowed) guest */
static int load_manifest(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	long cap_items = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = 0;
		if (len == 0 || line[0] == '#')
			continue;
		if (n_items == cap_items) {
			cap_items = cap_items ? cap_items * 2 : 64;
			items = realloc(items, (size_t)cap_items * sizeof(*items));
			if (!items) {
				errno = ENOMEM;
				return -1;
			}
		}
		char *copy = strdup(line), *save = NULL;
		size_t max_args = 2; /* at most one argument per tab, plus NULL */
		for (char *p = copy; p && *p; p++)
			max_args += *p == '\t';
		struct item *it = &items[n_items];
		it->argv = calloc(max_args, sizeof(char *));
		if (!copy || !it->argv) {
			errno = ENOMEM;
			return -1;
		}
		it->id = strtok_r(copy, "\t", &save);
		char *t = strtok_r(NULL, "\t", &save);
		it->timeout_ms = t ? strtol(t, NULL, 10) : 0;
		size_t a = 0;
		char *arg;
		while (a + 1 < max_args && (arg = strtok_r(NULL, "\t", &save)))
			it->argv[a++] = arg;
		it->argv[a] = NULL;
		if (!it->id || a == 0) {
			diag("uspec-init: bad manifest line: %s\n", line);
			continue;
		}
		n_items++;
	}
	free(line);
	fclose(f);
	return 0;
}

static void run_item(const struct item *it)
{
	int out[2], err[2];
	if (cov_on)
		cov_reset();
	emit("@@USPEC BEGIN %s", it->id);
	if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
		emit("@@USPEC END %s status=exited:127 dur_us=0 crc=00000000", it->id);
		return;
	}
	uint64_t t0 = now_us();
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0); /* its own group: a timeout kills helpers too */
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		if (chdir("/tmp"))
			chdir("/");
		char *envp[] = { "PATH=/uspec/bin:/bin:/usr/bin:/sbin", "HOME=/tmp", "TMPDIR=/tmp", NULL };
		execve(it->argv[0], it->argv, envp);
		dprintf(2, "uspec-init: exec %s: %s\n", it->argv[0], strerror(errno));
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	if (pid < 0) {
		close(out[0]);
		close(err[0]);
		emit("@@USPEC END %s status=exited:127 dur_us=0 crc=00000000", it->id);
		return;
	}
	setpgid(pid, pid); /* also from here: no race with the child's own call */

	uint32_t crc = 0;
	int timed_out = 0;
	uint64_t deadline = it->timeout_ms > 0 ? t0 + (uint64_t)it->timeout_ms * 1000u : 0;
	uint64_t drain_until = 0; /* after a kill, read what is left for a moment only */
	struct pollfd pfd[2] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 } };
	int open_fds = 2;
	unsigned char buf[4096];
	while (open_fds > 0) {
		uint64_t now = now_us();
		int wait_ms = -1;
		if (drain_until) {
			if (now >= drain_until)
				break;
			wait_ms = (int)((drain_until - now) / 1000u) + 1;
		} else if (deadline) {
			if (now >= deadline) {
				timed_out = 1;
				kill(-pid, SIGKILL);
				kill(pid, SIGKILL);
				drain_until = now + 200000u;
				continue;
			}
			wait_ms = (int)((deadline - now) / 1000u) + 1;
		}
		int r = poll(pfd, 2, wait_ms);
		if (r < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t n = read(pfd[i].fd, buf, sizeof(buf));
			if (n > 0) {
				if (i == 0)
					crc = crc32_update(crc, buf, (size_t)n);
				char head[512];
				snprintf(head, sizeof(head), "%s %s", i == 0 ? "OUT" : "ERR", it->id);
				emit_data(head, buf, (size_t)n, CHUNK, 1);
			} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				open_fds--;
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (pfd[i].fd >= 0)
			close(pfd[i].fd);

	/* the pipes closed; the process may still be running (closed its stdout) */
	int status = 0;
	for (;;) {
		pid_t w = waitpid(pid, &status, deadline && !timed_out ? WNOHANG : 0);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			break;
		if (w == 0) {
			if (now_us() >= deadline) {
				timed_out = 1;
				kill(-pid, SIGKILL);
				kill(pid, SIGKILL);
			} else {
				usleep(1000);
			}
		}
	}
	uint64_t dur = now_us() - t0;
	kill(-pid, SIGKILL); /* leftovers of the group, if any */
	while (waitpid(-1, NULL, WNOHANG) > 0) /* PID 1 reaps orphans */
		;

	char st[64];
	if (timed_out)
		snprintf(st, sizeof(st), "timeout");
	else if (WIFSIGNALED(status))
		snprintf(st, sizeof(st), "signaled:%d", WTERMSIG(status));
	else
		snprintf(st, sizeof(st), "exited:%d", WEXITSTATUS(status));
	emit("@@USPEC END %s status=%s dur_us=%llu crc=%08x", it->id, st, (unsigned long long)dur, crc);
	drain_kmsg(it->id);
	if (cov_on)
		cov_send(it->id);
}

static void power_off(void)
{
	if (out_fd >= 0)
		tcdrain(out_fd); /* all framed bytes out of the UART before we go */
	sync();
	/* without ACPI there is no power-off method and the kernel would halt
	 * forever; a reboot makes QEMU (-no-reboot) exit instead */
	if (access("/sys/firmware/acpi", F_OK) == 0)
		reboot(RB_POWER_OFF);
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

int main(void)
{
	mount_early();
	open_channel();
	loopback_up();
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd >= 0)
		drain_kmsg("-"); /* splats from boot, before any item */

	if (load_manifest("/uspec/manifest")) {
		emit("@@USPEC ERROR no manifest: %s", strerror(errno));
		power_off();
	}
	read_cmdline();
	if (cov_setup())
		power_off();
	const char *params = cmdline;
	char run_line[1024];
	if (strstr(cmdline, "uspec.wait=1")) {
		emit("@@USPEC READY %ld %d", n_items, -1);
		read_run_line(run_line, sizeof(run_line));
		params = run_line;
	}
	long only[MAX_ONLY];
	int n_only = param_only(params, only);
	long start = param_start(params);
	if (start < 0)
		start = 0;
	if (n_only) {
		emit("@@USPEC READY %ld %ld", n_items, only[0]);
		for (int k = 0; k < n_only; k++)
			if (only[k] >= 0 && only[k] < n_items)
				run_item(&items[only[k]]);
	} else {
		emit("@@USPEC READY %ld %ld", n_items, start);
		for (long i = start; i < n_items; i++)
			run_item(&items[i]);
	}
	emit("@@USPEC DONE");
	power_off();
	return 0;
}
