/*
 * host.c - what xbuild asks of dom0 itself around a build: xl's lock, so
 * that xl and xbuild never create domains at the same moment, and the
 * mark that says which process builds a domain, so that `xbuild gc` can
 * tell an orphan (its builder was killed) from a build in progress.
 */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define XL_CONF "/etc/xen/xl.conf"
#define XL_LOCKFILE "/var/lock/xl" /* xl.conf(5): lockfile's default */

/* lockfile="PATH" from xl.conf, else xl's default. */
static void lockfile_path(char *buf, size_t len)
{
	char line[512];
	FILE *f = fopen(XL_CONF, "re");

	snprintf(buf, len, "%s", XL_LOCKFILE);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *q;

		while (isspace((unsigned char)*p))
			p++;
		if (strncmp(p, "lockfile", 8))
			continue;
		p += 8;
		while (isspace((unsigned char)*p))
			p++;
		if (*p++ != '=')
			continue;
		while (isspace((unsigned char)*p))
			p++;
		if ((*p != '"' && *p != '\'') || !(q = strchr(p + 1, *p)))
			continue;
		*q = '\0';
		snprintf(buf, len, "%s", p + 1);
	}
	fclose(f);
}

/* The same lock as xl's: a POSIX write lock on the whole lockfile, waited
 * for; released when fd is closed (or the process dies). */
int host_lock(int *fd, struct xb_err *e)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char path[256];

	lockfile_path(path, sizeof(path));
	*fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0200);
	if (*fd < 0)
		return xb_fail(e, XB_EHV, "cannot open xl's lockfile %s: %s",
			       path, strerror(errno));
	while (fcntl(*fd, F_SETLKW, &fl) < 0) {
		int err = errno;

		if (err == EINTR)
			continue;
		close(*fd);
		*fd = -1;
		return xb_fail(e, XB_EHV, "cannot take xl's lock %s: %s", path,
			       strerror(err));
	}
	return 0;
}

void host_unlock(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Field 22 of /proc/PID/stat: the process's start time in clock ticks
 * since boot; with the pid and the boot id it names one process. */
static bool start_time(long pid, unsigned long long *t)
{
	char path[64], buf[1024], *p;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (!(f = fopen(path, "re")))
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name, in parentheses, may hold spaces: skip past it. */
	if (!(p = strrchr(buf, ')')))
		return false;
	p++;
	for (int field = 3; field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return false;
	}
	return sscanf(p, " %llu", t) == 1;
}

static bool boot_id(char *buf, size_t len)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
	bool ok = f && fgets(buf, (int)len, f);

	if (f)
		fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

int host_mark(char *buf, size_t len, struct xb_err *e)
{
	unsigned long long t;
	char boot[64];

	if (!start_time((long)getpid(), &t) || !boot_id(boot, sizeof(boot)))
		return xb_fail(
			e, XB_EINTERNAL,
			"cannot read this process's start time or the boot id from /proc");
	snprintf(buf, len, "%ld %llu %s", (long)getpid(), t, boot);
	return 0;
}

bool host_builder_gone(const char *mark, void *ctx)
{
	char boot[64], mboot[64];
	unsigned long long t, mt;
	long pid;

	(void)ctx;
	if (sscanf(mark, "%ld %llu %63s", &pid, &mt, mboot) != 3 || pid <= 0)
		return true; /* not a mark xbuild writes: nobody builds */
	if (!boot_id(boot, sizeof(boot)))
		return false; /* cannot tell: leave it */
	return strcmp(boot, mboot) || !start_time(pid, &t) || t != mt;
}
