/*
 * sim_xs.c - the simulated hypervisor's xenstore: a flat list of
 * (path, value, perms) entries.  A node exists when it was written or when
 * something below it was (xenstored creates the parents); rm takes the
 * whole subtree; permissions are checked with hv_perms_parse() and stored
 * as written, in `xenstore-ls -p` notation.
 */
#include "sim_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hv_perms.h"

static struct sim_xs_ent *xs_find(struct sim *h, const char *path)
{
	for (size_t i = 0; i < h->nxs; i++)
		if (!strcmp(h->xs[i].path, path))
			return &h->xs[i];
	return NULL;
}

static void xs_ent_free(struct sim_xs_ent *x)
{
	free(x->path);
	free(x->value);
	free(x->perms);
}

int sim_xs_read(struct hv *hv, const char *path, char **value, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_xs_ent *x;
	int rc;

	if ((rc = sim_enter(h, "xs_read", e)) < 0)
		return rc;
	if (!(x = xs_find(h, path)))
		return -XB_EHV;
	if (!(*value = strdup(x->value)))
		return xb_fail(e, XB_EINTERNAL, "xs_read: out of memory");
	return 0;
}

int sim_xs_dir(struct hv *hv, const char *path, char ***names, unsigned *n,
	       struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	size_t len = strlen(path), count = 0, bytes = 0;
	const char **kids = NULL;
	char **out, *str;
	int rc;

	*names = NULL;
	*n = 0;
	if ((rc = sim_enter(h, "xs_dir", e)) < 0)
		return rc;
	if (h->nxs && !(kids = calloc(h->nxs, sizeof(*kids))))
		return xb_fail(e, XB_EINTERNAL, "xs_dir: out of memory");
	/* Distinct first components below path/. */
	for (size_t i = 0; i < h->nxs; i++) {
		const char *p = h->xs[i].path, *k;
		size_t kl;
		bool seen = false;

		if (strncmp(p, path, len) || p[len] != '/')
			continue;
		k = p + len + 1;
		kl = strcspn(k, "/");
		for (size_t j = 0; j < count && !seen; j++)
			seen = !strncmp(kids[j], k, kl) &&
			       (kids[j][kl] == '/' || !kids[j][kl]);
		if (!seen && kl) {
			kids[count++] = k;
			bytes += kl + 1;
		}
	}
	if (!count && !xs_find(h, path)) {
		free(kids);
		return -XB_EHV;
	}
	/* One block: the array, then its strings (hv.h). */
	out = malloc(count * sizeof(*out) + bytes + 1);
	if (!out) {
		free(kids);
		return xb_fail(e, XB_EINTERNAL, "xs_dir: out of memory");
	}
	str = (char *)(out + count);
	for (size_t j = 0; j < count; j++) {
		size_t kl = strcspn(kids[j], "/");

		out[j] = str;
		memcpy(str, kids[j], kl);
		str[kl] = '\0';
		str += kl + 1;
	}
	free(kids);
	*names = out;
	*n = (unsigned)count;
	return 0;
}

int sim_xs_write(struct hv *hv, const char *path, const char *value,
		 const char *perms, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct hv_perm pp[HV_PERMS_MAX];
	struct sim_xs_ent *x, *nv;
	char *v, *pm, *p = NULL;
	size_t np;
	int rc;

	if ((rc = sim_enter(h, "xs_write", e)) < 0)
		return rc;
	if (path[0] != '/')
		return xb_fail(e, XB_EHV, "xs_write %s: not an absolute path",
			       path);
	if (!perms || hv_perms_parse(perms, pp, &np, e) < 0)
		return xb_fail(e, XB_EINTERNAL, "xs_write %s: bad perms", path);
	/* Allocate first: out of memory leaves the store as it was (an
	 * entry with a NULL string would crash the next lookup). */
	x = xs_find(h, path);
	v = strdup(value);
	pm = strdup(perms);
	if (v && pm && !x && (p = strdup(path)) &&
	    (nv = realloc(h->xs, (h->nxs + 1) * sizeof(*nv)))) {
		h->xs = nv;
		x = &h->xs[h->nxs++];
		memset(x, 0, sizeof(*x));
		x->path = p;
	}
	if (!v || !pm || !x) {
		free(v);
		free(pm);
		free(p); /* NULL unless the entry could not be added */
		return xb_fail(e, XB_EINTERNAL, "xs_write: out of memory");
	}
	free(x->value);
	free(x->perms);
	x->value = v;
	x->perms = pm;
	sim_guest_xs_written(h, path, value);
	return 0;
}

int sim_xs_rm(struct hv *hv, const char *path, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	size_t len = strlen(path);
	int rc;

	if ((rc = sim_enter(h, "xs_rm", e)) < 0)
		return rc;
	for (size_t i = 0; i < h->nxs;) {
		const char *p = h->xs[i].path;

		if (!strncmp(p, path, len) &&
		    (p[len] == '\0' || p[len] == '/')) {
			xs_ent_free(&h->xs[i]);
			h->xs[i] = h->xs[--h->nxs];
		} else {
			i++;
		}
	}
	return 0;
}

/* One process uses the model, so a transaction never conflicts; the
 * calls are counted (fault injection) and their nesting checked. */
int sim_xs_begin(struct hv *hv, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	int rc;

	if ((rc = sim_enter(h, "xs_begin", e)) < 0)
		return rc;
	if (h->in_txn)
		return xb_fail(e, XB_EINTERNAL, "xs_begin: nested transaction");
	h->in_txn = true;
	return 0;
}

int sim_xs_end(struct hv *hv, bool abort, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	bool open = h->in_txn;
	int rc;

	h->in_txn = false;
	if ((rc = sim_enter(h, abort ? "xs_abort" : "xs_commit", e)) < 0)
		return rc;
	if (!open)
		return xb_fail(e, XB_EINTERNAL, "xs_end: no transaction");
	return 0;
}

int sim_xs_introduce(struct hv *hv, uint32_t domid, uint64_t store_mfn,
		     uint32_t store_evtchn, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	if (!(d = sim_enter_dom(h, domid, "xs_introduce", &rc, e)))
		return rc;
	/* An HVM container's store page is named by its gfn. */
	if (!store_evtchn ||
	    (d->hvm ? sim_pfn_idx(d, store_mfn, 1) == UINT64_MAX :
		      !sim_owns(h, d, store_mfn)))
		return xb_fail(e, XB_EHV,
			       "xs_introduce(dom %u): bad store mfn %#" PRIx64
			       " or port %u",
			       domid, store_mfn, store_evtchn);
	d->introduced = true;
	return 0;
}

void sim_xs_close(struct sim *h)
{
	for (size_t i = 0; i < h->nxs; i++)
		xs_ent_free(&h->xs[i]);
	free(h->xs);
	h->xs = NULL;
	h->nxs = 0;
}

const char *hv_sim_xs(struct hv *hv, const char *path, const char **perms)
{
	struct sim *h = sim_of(hv);
	struct sim_xs_ent *x = xs_find(h, path);

	if (perms)
		*perms = x ? x->perms : NULL;
	return x ? x->value : NULL;
}

size_t hv_sim_xs_count(struct hv *hv, const char *prefix)
{
	struct sim *h = sim_of(hv);
	size_t n = 0, len = strlen(prefix);

	for (size_t i = 0; i < h->nxs; i++)
		n += !strncmp(h->xs[i].path, prefix, len);
	return n;
}
