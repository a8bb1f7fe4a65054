/* main.c - placeholder until the CLI lands. */
#include <stdio.h>

int main(void)
{
	printf("xbuild %s\n", XB_VERSION);
	return 0;
}
