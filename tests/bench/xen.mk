# make bench-xen: xbuild against xl and libxenguest on real Xen under QEMU
# (tests/bench/bench-xen.sh; the tables go to BENCHMARKS.md's bench-xen
# section).  BENCH_PAIRS=N (default 5), BENCH_PARTS="create build",
# BENCH_KERNELS, BENCH_MEMS: see tests/bench/prep-dom0.sh.
BXEN_OUT := $(B)/bench-xen
BXEN_MAXRSS  := $(BXEN_OUT)/maxrss
BXEN_XGBUILD := $(BXEN_OUT)/xgbuild

# maxrss: wall time and peak RSS of a command (wait4).
$(BXEN_MAXRSS): tests/bench/maxrss.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) -std=gnu11 -D_GNU_SOURCE -O2 -g -Wall -Wextra $(XB_WERROR) -o $@ $<

# xgbuild: libxenguest's builder step with xbuild build's command line.
$(BXEN_XGBUILD): tests/bench/xgbuild.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) -std=gnu11 -D_GNU_SOURCE -D__XEN_TOOLS__ -O2 -g -Wall -Wextra $(XB_WERROR) -o $@ $< \
		-lxenguest -lxenctrl

bench-xen: e2e-prep
	$(Q)$(MAKE) --no-print-directory $(XBUILD) $(XBUILD_TEST) $(BXEN_MAXRSS) $(BXEN_XGBUILD)
	$(Q)$(E2E_ENV) MAXRSS=$(abspath $(BXEN_MAXRSS)) XGBUILD=$(abspath $(BXEN_XGBUILD)) E2E_NO_DEPS=1 \
		tests/bench/bench-xen.sh

.PHONY: bench-xen
