/* fuzz_xml.c - libFuzzer target: libvirt domain XML front end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/cli/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dom_config c;
	struct xb_err e;
	int r;

	cfg_init(&c);
	xb_err_clear(&e);
	r = cfg_parse_xml("fuzz.xml", (const char *)data, size, &c, &e);
	if (r && (r != -XB_EINPUT && r != -XB_EINTERNAL))
		abort();
	if (r && !e.msg[0])
		abort();
	if (!r && (!c.name[0] || !c.kernel || c.maxmem_mb < c.memory_mb ||
		   c.maxvcpus < c.vcpus ||
		   (c.cmdline && strlen(c.cmdline) >= XB_CMDLINE_MAX)))
		abort();
	cfg_free(&c);
	return 0;
}
