/* fuzz_xlcfg.c - libFuzzer target: xl.cfg text through the whole front end
 * (lexer, parser, key mapping).  Any input must give 0 or a clean error. */
#include "fuzz_cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_cfg(cfg_parse_xl, "fuzz.cfg", data, size);
}
