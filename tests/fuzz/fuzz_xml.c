/* fuzz_xml.c - libFuzzer target: libvirt domain XML front end. */
#include "fuzz_cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_cfg(cfg_parse_xml, "fuzz.xml", data, size);
}
