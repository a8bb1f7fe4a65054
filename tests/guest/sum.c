/*
 * xbc-sum FILE: print "LEN 0xFNV1A" for the checking guest's command line
 * (xbc.modlen=LEN xbc.modsum=0xFNV1A); a gzip FILE is summed as it is: pass
 * the uncompressed file.  Host tool, built with the guests.
 */
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	uint32_t h = 0x811c9dc5u;
	unsigned long long n = 0;
	FILE *f;
	int c;

	if (argc != 2 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: xbc-sum FILE\n");
		return 2;
	}
	while ((c = getc(f)) != EOF) {
		h = (h ^ (uint8_t)c) * 0x01000193u;
		n++;
	}
	fclose(f);
	printf("%llu 0x%08x\n", n, h);
	return 0;
}
