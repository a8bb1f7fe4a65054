/* fuzz_xswire.c - libFuzzer target: the parsers of xenstored's replies
 * (src/hv/xs_pipe.c) on arbitrary bytes.  The first byte picks the
 * request type and id the reply must answer, the rest is the message.
 * Besides no crash: a reply is accepted only with its request's id and
 * type (or XS_ERROR), an error reply yields an errno, and a directory
 * splits into names that cover the payload exactly. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/hv/xs_pipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t want_type, want_id, hdr[4];
	char **names;
	unsigned n;
	size_t total = 0;
	int err, r;

	if (size < 1)
		return 0;
	want_type = data[0] & 31;
	want_id = data[0] >> 5;
	r = xs_pipe_check_reply(data + 1, size - 1, want_type, want_id, &err);
	if (r == 0) {
		memcpy(hdr, data + 1, sizeof(hdr));
		if (size - 1 < XS_PIPE_HDR || hdr[1] != want_id ||
		    hdr[3] != size - 1 - XS_PIPE_HDR ||
		    (hdr[0] != want_type && !err) || (err && err > 4095))
			abort();
	} else if (r != -1)
		abort();
	if (xs_pipe_split((const char *)data + 1, size - 1, &names, &n) < 0)
		return 0;
	for (unsigned i = 0; i < n; i++)
		total += strlen(names[i]) + 1;
	/* every byte is in a name or ends one; a last name may lack its NUL */
	if (total != size - 1 + (size > 1 && data[size - 1] ? 1 : 0))
		abort();
	free(names);
	return 0;
}
