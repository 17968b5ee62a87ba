/* Leaves a mark in the guest's root file system: the state a later item can
 * depend on (crash triage: a crash that needs what ran before it). */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
int main(void)
{
	int fd = open("/uspec-mark", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror("/uspec-mark");
		return 1;
	}
	close(fd);
	printf("marked\n");
	return 0;
}
