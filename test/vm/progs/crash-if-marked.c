/* Panics the guest only when mark ran before it in the same boot: alone in a
 * fresh guest it exits 0. Stands for a scenario that crashes on a kernel
 * another scenario corrupted. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
int main(void)
{
	if (access("/uspec-mark", F_OK) != 0) {
		printf("no mark: fine\n");
		return 0;
	}
	printf("marked: crashing\n");
	fflush(stdout);
	int fd = open("/proc/sysrq-trigger", O_WRONLY);
	if (fd < 0 || write(fd, "c", 1) != 1)
		perror("sysrq-trigger");
	return 3;
}
