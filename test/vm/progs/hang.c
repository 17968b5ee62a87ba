/* Never ends by itself: the guest's per-item timeout must kill it. */
#include <unistd.h>
int main(void)
{
	if (fork() == 0) /* a helper in the same process group dies too */
		for (;;)
			pause();
	for (;;)
		pause();
}
