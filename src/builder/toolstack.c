/*
 * toolstack.c - the part of a toolstack that `xbuild run` stands in for
 * (DESIGN.md, "Division of labour with toolstacks"): event channels,
 * xenstore keys, introduction, unpause.
 */
#include "build.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define XS_PATH_MAX 256

/* Domid of a tool domain from /tool/NAME/domid, 0 when absent. */
static int tool_domid(struct dom *d, const char *name, uint32_t *domid)
{
	char path[64], *v = NULL;
	uint64_t n;
	int rc;

	snprintf(path, sizeof(path), "/tool/%s/domid", name);
	rc = hv_xs_read(d->hv, path, &v, &d->err);
	if (rc < 0) {
		if (d->err.code)
			return rc; /* a real failure, not absence */
		*domid = 0;
		return 0;
	}
	if (xb_parse_u64(v, strlen(v), XB_NUM_DEC, 0x7fef, &n)) {
		rc = xb_fail(&d->err, XB_EHV, "xenstore %s: bad domid \"%s\"",
			     path, v);
		free(v);
		return rc;
	}
	free(v);
	*domid = (uint32_t)n;
	return 0;
}

/* The domid (in *owner) of another domain named name, or 0 with *owner
 * -1 when there is none. */
static int find_name(struct dom *d, const char *name, long *owner)
{
	char **ids = NULL, path[64], *v = NULL;
	unsigned n = 0;
	int rc = hv_xs_dir(d->hv, "/local/domain", &ids, &n, &d->err);

	*owner = -1;
	if (rc < 0)
		return d->err.code ? rc : 0; /* absent: no domains */
	for (unsigned i = 0; i < n && rc == 0 && *owner < 0; i++) {
		long id = strtol(ids[i], NULL, 10);

		if (d->created && id == (long)d->domid)
			continue;
		snprintf(path, sizeof(path), "/local/domain/%.16s/name",
			 ids[i]);
		if (hv_xs_read(d->hv, path, &v, &d->err) < 0) {
			rc = d->err.code ? -d->err.code : 0;
			continue;
		}
		if (!strcmp(v, name))
			*owner = id;
		free(v);
	}
	free(ids);
	return rc;
}

static void pending_path(const struct dom *d, char *path, size_t len)
{
	char uuid[37];

	xb_uuid_str(d->uuid, uuid);
	snprintf(path, len, XB_PENDING_DIR "/%s", uuid);
}

int dom_mark(struct dom *d)
{
	char path[96];
	int rc;

	if (!d->mark)
		return 0;
	if ((rc = dom_check_stop(d)) < 0 || (rc = dom_choose_uuid(d)) < 0)
		return rc;
	pending_path(d, path, sizeof(path));
	if ((rc = hv_xs_write(d->hv, path, d->mark, "n0", &d->err)) == 0)
		d->pending_mark = true;
	return rc;
}

/*
 * Run fn in one xenstore transaction, again when it conflicts with another
 * writer (xs_end > 0), up to XS_TRIES times; what names it in the message.
 * fn's failure aborts the transaction.
 */
#define XS_TRIES 16
static int in_transaction(struct dom *d, int (*fn)(struct dom *d),
			  const char *what)
{
	int rc;

	for (int t = 0; t < XS_TRIES; t++) {
		if ((rc = hv_xs_begin(d->hv, &d->err)) < 0)
			return rc;
		d->xs_written = true;
		if ((rc = fn(d)) < 0) {
			struct xb_err ignore = { 0 };

			hv_xs_end(d->hv, true, &ignore);
			return rc;
		}
		if ((rc = hv_xs_end(d->hv, false, &d->err)) <= 0)
			return rc;
	}
	return xb_fail(&d->err, XB_EHV,
		       "xenstore: %s conflicted with other writers %d times",
		       what, XS_TRIES);
}

static int claim_name(struct dom *d)
{
	char path[64], perms[32];
	long owner;
	int rc;

	if ((rc = find_name(d, d->cfg->name, &owner)) < 0)
		return rc;
	if (owner >= 0)
		return xb_fail(&d->err, XB_EINPUT,
			       "%s: name \"%s\" is already used by domain %ld",
			       d->cfg->source ? d->cfg->source : "config",
			       d->cfg->name, owner);
	snprintf(perms, sizeof(perms), "n0,r%u", d->domid);
	snprintf(path, sizeof(path), "/local/domain/%u/name", d->domid);
	if ((rc = hv_xs_write(d->hv, path, d->cfg->name, perms, &d->err)) < 0)
		return rc;
	snprintf(path, sizeof(path), "/local/domain/%u/" XB_MARK_KEY, d->domid);
	if (d->mark &&
	    (rc = hv_xs_write(d->hv, path, d->mark, "n0", &d->err)) < 0)
		return rc;
	if (d->pending_mark) {
		pending_path(d, path, sizeof(path));
		return hv_xs_rm(d->hv, path, &d->err);
	}
	return 0;
}

/*
 * Names are how xl and people find domains.  The check that the name is
 * free and the write that takes it are one xenstore transaction (as
 * libxl's), so two builders cannot both take it; the mark of a domain
 * under construction is written in the same transaction.
 */
int dom_claim_name(struct dom *d)
{
	int rc;

	if ((rc = dom_check_stop(d)) < 0)
		return rc;
	rc = in_transaction(d, claim_name, "claiming the name");
	if (rc == 0)
		d->pending_mark = false;
	return rc;
}

int dom_handover(struct dom *d)
{
	char path[64];

	if (!d->mark)
		return 0;
	snprintf(path, sizeof(path), "/local/domain/%u/" XB_MARK_KEY, d->domid);
	return hv_xs_rm(d->hv, path, &d->err);
}

struct xs_key {
	const char *path; /* relative to the domain's or vm's path */
	enum { DOM, VM } base;
	enum { P_TOOL, P_GUEST_RO0, P_GUEST } perm; /* n0,rN / nN,r0 / nN */
};

static const struct xs_key fixed_keys[] = {
	{ "", DOM, P_TOOL },
	{ "control/platform-feature-multiprocessor-suspend", DOM, P_TOOL },
	{ "control/platform-feature-xs_reset_watches", DOM, P_TOOL },
	{ "console/backend-id", DOM, P_GUEST_RO0 },
	{ "control/shutdown", DOM, P_GUEST },
	{ "control/feature-poweroff", DOM, P_GUEST },
	{ "control/feature-reboot", DOM, P_GUEST },
	{ "control/feature-suspend", DOM, P_GUEST },
	{ "control/sysrq", DOM, P_GUEST },
	{ "data", DOM, P_GUEST },
	{ "drivers", DOM, P_GUEST },
	{ "feature", DOM, P_GUEST },
	{ "attr", DOM, P_GUEST },
	{ "error", DOM, P_GUEST },
	{ "device/suspend/event-channel", DOM, P_GUEST },
};

static int xs_put(struct dom *d, const char *base, const char *rel,
		  const char *value, int perm)
{
	char path[XS_PATH_MAX], perms[32];

	snprintf(path, sizeof(path), "%s%s%s", base, *rel ? "/" : "", rel);
	switch (perm) {
	case P_TOOL: snprintf(perms, sizeof(perms), "n0,r%u", d->domid); break;
	case P_GUEST_RO0:
		snprintf(perms, sizeof(perms), "n%u,r0", d->domid);
		break;
	default: snprintf(perms, sizeof(perms), "n%u", d->domid); break;
	}
	return hv_xs_write(d->hv, path, value, perms, &d->err);
}

static int write_keys(struct dom *d)
{
	const struct dom_config *c = d->cfg;
	char dom[64], vm[64], uuid[37], v[64];
	int rc;

	xb_uuid_str(d->uuid, uuid);
	snprintf(dom, sizeof(dom), "/local/domain/%u", d->domid);
	snprintf(vm, sizeof(vm), "/vm/%s", uuid);
	d->xs_written = true;

	/* /vm/UUID first, so /local/domain/N/vm never dangles. */
	if ((rc = xs_put(d, vm, "", "", P_TOOL)) < 0 ||
	    (rc = xs_put(d, vm, "name", c->name, P_TOOL)) < 0 ||
	    (rc = xs_put(d, vm, "uuid", uuid, P_TOOL)) < 0)
		return rc;
	/* xl writes the image keys for PV guests only (measured). */
	if (c->type != XB_DOM_PVH &&
	    ((rc = xs_put(d, vm, "image/ostype", "linux", P_TOOL)) < 0 ||
	     (rc = xs_put(d, vm, "image/kernel", c->kernel, P_TOOL)) < 0))
		return rc;
	snprintf(v, sizeof(v), "%lld", (long long)time(NULL));
	if ((rc = xs_put(d, vm, "start_time", v, P_TOOL)) < 0)
		return rc;

	for (size_t i = 0; i < XB_ARRAY_SIZE(fixed_keys); i++) {
		const char *val = "";

		if (!strcmp(fixed_keys[i].path, "console/backend-id"))
			val = "0";
		else if (!strncmp(fixed_keys[i].path, "control/platform", 16))
			val = "1";
		if ((rc = xs_put(d, dom, fixed_keys[i].path, val,
				 fixed_keys[i].perm)) < 0)
			return rc;
	}
	if ((rc = xs_put(d, dom, "name", c->name, P_TOOL)) < 0)
		return rc;
	snprintf(v, sizeof(v), "%u", d->domid);
	if ((rc = xs_put(d, dom, "domid", v, P_TOOL)) < 0 ||
	    (rc = xs_put(d, dom, "vm", vm, P_TOOL)) < 0)
		return rc;
	snprintf(v, sizeof(v), "%" PRIu64,
		 (c->maxmem_mb > c->memory_mb ? c->maxmem_mb : c->memory_mb)
			 << 10);
	if ((rc = xs_put(d, dom, "memory/static-max", v, P_TOOL)) < 0)
		return rc;
	snprintf(v, sizeof(v), "%" PRIu64, c->memory_mb << 10);
	if ((rc = xs_put(d, dom, "memory/target", v, P_TOOL)) < 0 ||
	    (rc = xs_put(d, dom, "memory/videoram", "0", P_TOOL)) < 0)
		return rc;
	for (unsigned i = 0; i < (c->maxvcpus ? c->maxvcpus : 1); i++) {
		char rel[48];

		snprintf(rel, sizeof(rel), "cpu/%u/availability", i);
		if ((rc = xs_put(d, dom, rel,
				 i < c->vcpus ? "online" : "offline", P_TOOL)) <
		    0)
			return rc;
	}
	snprintf(v, sizeof(v), "%u", d->store_evtchn);
	if ((rc = xs_put(d, dom, "store/port", v, P_TOOL)) < 0)
		return rc;
	snprintf(v, sizeof(v), "%" PRIu64, d->store_mfn);
	if ((rc = xs_put(d, dom, "store/ring-ref", v, P_TOOL)) < 0)
		return rc;
	if ((rc = xs_put(d, dom, "console/type", "xenconsoled", P_TOOL)) < 0 ||
	    (rc = xs_put(d, dom, "console/limit", "1048576", P_TOOL)) < 0 ||
	    (rc = xs_put(d, dom, "console/output", "pty", P_TOOL)) < 0)
		return rc;
	snprintf(v, sizeof(v), "%u", d->console_evtchn);
	if ((rc = xs_put(d, dom, "console/port", v, P_TOOL)) < 0)
		return rc;
	snprintf(v, sizeof(v), "%" PRIu64, d->console_mfn);
	return xs_put(d, dom, "console/ring-ref", v, P_TOOL);
}

/* Every key in one transaction: one round trip to commit instead of one
 * per key, and no reader ever sees half a domain. */
int dom_write_xenstore(struct dom *d)
{
	int rc;

	if ((rc = dom_check_stop(d)) < 0)
		return rc;
	return in_transaction(d, write_keys, "writing the domain's keys");
}

int dom_find_backends(struct dom *d)
{
	int rc;

	if ((rc = dom_check_stop(d)) < 0 ||
	    (rc = tool_domid(d, "xenstored", &d->store_domid)) < 0)
		return rc;
	return tool_domid(d, "xenconsoled", &d->console_domid);
}

int dom_alloc_evtchns(struct dom *d)
{
	int rc;

	if ((rc = dom_check_stop(d)) < 0 ||
	    (rc = hv_evtchn_alloc(d->hv, d->domid, d->store_domid,
				  &d->store_evtchn, &d->err)) < 0)
		return rc;
	return hv_evtchn_alloc(d->hv, d->domid, d->console_domid,
			       &d->console_evtchn, &d->err);
}

int dom_introduce(struct dom *d)
{
	int rc;

	if ((rc = dom_check_stop(d)) < 0)
		return rc;
	return hv_xs_introduce(d->hv, d->domid, d->store_mfn, d->store_evtchn,
			       &d->err);
}

int dom_unpause(struct dom *d)
{
	return hv_unpause(d->hv, d->domid, &d->err);
}

int dom_request_shutdown(struct dom *d)
{
	char path[64], perms[16];

	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown",
		 d->domid);
	/* The guest's own key (nN), as dom_write_xenstore made it. */
	snprintf(perms, sizeof(perms), "n%u", d->domid);
	return hv_xs_write(d->hv, path, "poweroff", perms, &d->err);
}

int dom_destroy(struct dom *d)
{
	char path[64], uuid[37];
	int rc;

	snprintf(path, sizeof(path), "/local/domain/%u", d->domid);
	if ((rc = hv_xs_rm(d->hv, path, &d->err)) < 0)
		return rc;
	xb_uuid_str(d->uuid, uuid);
	snprintf(path, sizeof(path), "/vm/%s", uuid);
	if ((rc = hv_xs_rm(d->hv, path, &d->err)) < 0)
		return rc;
	d->xs_written = false;
	if ((rc = hv_destroy(d->hv, d->domid, &d->err)) < 0)
		return rc;
	d->created = false;
	d->destroyed = true;
	return 0;
}

int dom_preserve(struct dom *d, const char *suffix, const uint8_t uuid[16])
{
	char name[XB_NAME_MAX + 32], vm[64], us[37], path[96], perms[32];
	long owner;
	int rc;

	snprintf(name, sizeof(name), "%s%s", d->cfg->name, suffix);
	xb_uuid_str(uuid, us);
	snprintf(vm, sizeof(vm), "/vm/%s", us);
	snprintf(perms, sizeof(perms), "n0,r%u", d->domid);
	for (int t = 0; t < XS_TRIES; t++) {
		if ((rc = hv_xs_begin(d->hv, &d->err)) < 0)
			return rc;
		rc = find_name(d, name, &owner);
		if (rc == 0 && owner >= 0)
			rc = xb_fail(&d->err, XB_EHV,
				     "cannot keep domain %u as \"%s\": "
				     "domain %ld has that name",
				     d->domid, name, owner);
		if (rc == 0)
			rc = hv_xs_write(d->hv, vm, "", perms, &d->err);
		snprintf(path, sizeof(path), "%s/uuid", vm);
		if (rc == 0)
			rc = hv_xs_write(d->hv, path, us, perms, &d->err);
		snprintf(path, sizeof(path), "%s/name", vm);
		if (rc == 0)
			rc = hv_xs_write(d->hv, path, name, perms, &d->err);
		snprintf(path, sizeof(path), "/local/domain/%u/vm", d->domid);
		if (rc == 0)
			rc = hv_xs_write(d->hv, path, vm, perms, &d->err);
		snprintf(path, sizeof(path), "/local/domain/%u/name", d->domid);
		if (rc == 0)
			rc = hv_xs_write(d->hv, path, name, perms, &d->err);
		if (rc < 0) {
			struct xb_err ignore = { 0 };

			hv_xs_end(d->hv, true, &ignore);
			return rc;
		}
		if ((rc = hv_xs_end(d->hv, false, &d->err)) < 0)
			return rc;
		if (rc > 0)
			continue;
		d->created = false;
		d->xs_written = false;
		/* Xen's handle too, unlike xl: the UUID goes on to the
		 * domain built next, and a handle shared by two domains
		 * would let `xbuild gc` take one for the other. */
		return hv_set_handle(d->hv, d->domid, uuid, &d->err);
	}
	return xb_fail(&d->err, XB_EHV,
		       "xenstore: renaming domain %u conflicted %d times",
		       d->domid, XS_TRIES);
}

void dom_abort(struct dom *d)
{
	struct xb_err ignore = { 0 };
	char path[64], uuid[37];

	if (d->pending_mark) {
		char pending[96];

		pending_path(d, pending, sizeof(pending));
		hv_xs_rm(d->hv, pending, &ignore);
		d->pending_mark = false;
	}
	if (d->xs_written) {
		snprintf(path, sizeof(path), "/local/domain/%u", d->domid);
		hv_xs_rm(d->hv, path, &ignore);
		xb_uuid_str(d->uuid, uuid);
		snprintf(path, sizeof(path), "/vm/%s", uuid);
		hv_xs_rm(d->hv, path, &ignore);
		d->xs_written = false;
	}
	if (d->created && hv_destroy(d->hv, d->domid, &ignore) == 0) {
		d->created = false;
		d->destroyed = true;
	}
}

/* Remove the keys of domain id (its /vm/UUID too) and destroy it. */
static int reap_one(struct hv *hv, const char *id, struct xb_err *e)
{
	char path[64], *vm = NULL;
	int rc;

	snprintf(path, sizeof(path), "/local/domain/%.16s/vm", id);
	if (hv_xs_read(hv, path, &vm, e) < 0 && e->code)
		return -e->code;
	if (vm && !strncmp(vm, "/vm/", 4) && !strchr(vm + 4, '/'))
		rc = hv_xs_rm(hv, vm, e);
	else
		rc = 0;
	free(vm);
	snprintf(path, sizeof(path), "/local/domain/%.16s", id);
	if (rc == 0)
		rc = hv_xs_rm(hv, path, e);
	if (rc == 0)
		rc = hv_destroy(hv, (uint32_t)strtoul(id, NULL, 10), e);
	return rc;
}

/* Pending marks (killed between dom_mark and the claim): the domain
 * created with that UUID, if any, goes; the mark goes. */
static int reap_pending(struct hv *hv, bool (*gone)(const char *, void *),
			void *ctx, uint32_t *ids, unsigned max, unsigned *n,
			struct xb_err *e)
{
	char **uu = NULL, path[96], *mark = NULL;
	unsigned nu = 0;
	int rc = hv_xs_dir(hv, XB_PENDING_DIR, &uu, &nu, e);

	if (rc < 0)
		return e->code ? rc : 0; /* absent: none pending */
	for (unsigned i = 0; i < nu && rc == 0; i++) {
		uint8_t uuid[16];
		uint32_t domid;
		char id[16];

		snprintf(path, sizeof(path), XB_PENDING_DIR "/%.40s", uu[i]);
		if (hv_xs_read(hv, path, &mark, e) < 0) {
			rc = e->code ? -e->code : 0;
			continue;
		}
		if (gone(mark, ctx)) {
			rc = hv_xs_rm(hv, path, e);
			if (rc == 0 && xb_uuid_parse(uu[i], uuid)) {
				rc = hv_domain_by_uuid(hv, uuid, &domid, e);
				if (rc == 0) {
					snprintf(id, sizeof(id), "%u", domid);
					rc = reap_one(hv, id, e);
					if (rc == 0 && *n < max)
						ids[*n] = domid;
					*n += rc == 0;
				} else if (!e->code) {
					rc = 0; /* killed before it created one */
				}
			}
		}
		free(mark);
	}
	free(uu);
	return rc;
}

int dom_reap(struct hv *hv, bool (*gone)(const char *mark, void *ctx),
	     void *ctx, uint32_t *ids, unsigned max, unsigned *n,
	     struct xb_err *e)
{
	char **dom = NULL, path[64], *mark = NULL;
	unsigned nd = 0;
	int rc;

	*n = 0;
	if ((rc = reap_pending(hv, gone, ctx, ids, max, n, e)) < 0)
		return rc;
	rc = hv_xs_dir(hv, "/local/domain", &dom, &nd, e);
	if (rc < 0)
		return e->code ? rc : 0; /* absent: no domains */
	for (unsigned i = 0; i < nd && rc == 0; i++) {
		char *end;
		unsigned long id = strtoul(dom[i], &end, 10);

		if (*end || id == 0 || id >= 0x7ff0)
			continue;
		snprintf(path, sizeof(path), "/local/domain/%lu/" XB_MARK_KEY,
			 id);
		if (hv_xs_read(hv, path, &mark, e) < 0) {
			rc = e->code ? -e->code : 0; /* no mark: not ours */
			continue;
		}
		if (gone(mark, ctx)) {
			rc = reap_one(hv, dom[i], e);
			if (rc == 0 && *n < max)
				ids[*n] = (uint32_t)id;
			*n += rc == 0;
		}
		free(mark);
	}
	free(dom);
	return rc;
}
