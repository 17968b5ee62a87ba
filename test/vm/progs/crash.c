/* Panics the guest kernel (CONFIG_MAGIC_SYSRQ): the 'crashed' path. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
int main(void)
{
	printf("about to crash\n");
	fflush(stdout);
	int fd = open("/proc/sysrq-trigger", O_WRONLY);
	if (fd < 0 || write(fd, "c", 1) != 1)
		perror("sysrq-trigger");
	return 3; /* only reached if the kernel survived */
}
