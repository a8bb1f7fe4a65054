/*
 * fuzz_plan.c - libFuzzer target: the whole `plan` pipeline from bytes.
 * Input: LE16 config length, the xl.cfg (or XML) text, then the kernel
 * image.  Config, kernel parse, layout, and the full build on the
 * simulated hypervisor (memory clamped to 64 MiB to stay fast).  Any
 * input must end in 0 or a clean error with a message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/builder/build.h"
#include "../../src/cli/cli.h"
#include "../../src/hv/sim_inspect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_err(int rc, const struct xb_err *e)
{
	if (rc && (rc > 0 || !e->msg[0] || e->code != -rc))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dom_input kernel = { .name = "fuzz-kernel" };
	struct dom_config cfg;
	struct xb_err e;
	struct dom d;
	size_t clen;
	int rc;

	if (size < 2)
		return 0;
	clen = data[0] | (size_t)data[1] << 8;
	if (clen > size - 2)
		clen = size - 2;
	cfg_init(&cfg);
	xb_err_clear(&e);
	rc = cfg_parse("fuzz.cfg", (const char *)data + 2, clen, &cfg, &e);
	check_err(rc, &e);
	if (rc) {
		cfg_free(&cfg);
		return 0;
	}
	if (cfg.memory_mb > 64)
		cfg.memory_mb = 64;
	if (cfg.maxmem_mb > 64)
		cfg.maxmem_mb = 64;
	free(cfg.ramdisk); /* no initrd: the bytes are the kernel */
	cfg.ramdisk = NULL;
	cfg.max_decompressed = 16u << 20;
	dom_init(&d, &cfg);
	kernel.buf = data + 2 + clen;
	kernel.len = size - 2 - clen;
	rc = dom_load(&d, &kernel, NULL);
	check_err(rc, &d.err);
	if (rc == 0) {
		rc = dom_plan(&d);
		check_err(rc, &d.err);
	}
	if (rc == 0 && hv_sim_open(NULL, &d.hv, &d.err) == 0) {
		struct hv_sim_stats st;

		rc = run_domain(&d, false);
		check_err(rc, &d.err);
		hv_sim_stats(d.hv, &st);
		/* success leaves a running domain; failure leaves nothing */
		if ((rc == 0 && !st.running) || (rc && st.live_domains) ||
		    st.mappings)
			abort();
		hv_close(d.hv);
	}
	dom_free(&d);
	cfg_free(&cfg);
	return 0;
}
