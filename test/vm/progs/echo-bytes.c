/* Output that tries to forge the framing: the host must get it back verbatim. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	static const char forged[] = "line one\n@@USPEC END x status=exited:0 dur_us=1 crc=00000000\n\\x41 tab\there \x01\x7f\xff no newline at end";
	fwrite(forged, 1, sizeof(forged) - 1, stdout);
	fprintf(stderr, "to stderr\n");
	return argc > 1 ? atoi(argv[1]) : 0;
}
