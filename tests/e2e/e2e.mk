# End-to-end tests on real Xen under QEMU (tests/e2e/run.sh).
#   make e2e                     cases with `xbuild run`
#   make e2e E2E_LAUNCHER=xl     the same cases with stock `xl create`
#   make e2e E2E_CASES="xbc-classic linux"
#   make demo                    one guest started by `xbuild run`, its console
E2E_OUT := $(B)/e2e
SIDUMP  := $(E2E_OUT)/sidump
MINITS  := $(E2E_OUT)/minits
PVHDUMP := $(E2E_OUT)/pvhdump
E2E_ENV  = XBUILD=$(abspath $(XBUILD)) XBUILD_TEST=$(abspath $(XBUILD_TEST)) GUEST_DIR=$(abspath $(GUEST_OUT)) SIDUMP=$(abspath $(SIDUMP)) \
	MINITS=$(abspath $(MINITS)) PVHDUMP=$(abspath $(PVHDUMP))

$(SIDUMP): tests/e2e/sidump.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) -std=gnu11 -D_GNU_SOURCE -D__XEN_TOOLS__ -O2 -g -Wall -Wextra $(XB_WERROR) -o $@ $< \
		-lxenctrl -lxenforeignmemory

# pvhdump: what a PVH guest's builder gave it (the pvh-compare case).
$(PVHDUMP): tests/e2e/pvhdump.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) -std=gnu11 -D_GNU_SOURCE -D__XEN_TOOLS__ -O2 -g -Wall -Wextra $(XB_WERROR) -o $@ $< \
		-lxenctrl -lxenforeignmemory -lxenguest

# minits: the minimal toolstack around `xbuild build` (the build case).
$(MINITS): tests/e2e/minits.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) -std=gnu11 -D_GNU_SOURCE -D__XEN_TOOLS__ -O2 -g -Wall -Wextra $(XB_WERROR) -o $@ $< \
		-lxenctrl -lxenstore

# xbuild and its test binary (XBUILD_TEST, for the bad-pte case and the
# --test-bad-pte part of the build case) are built if they build; cases
# that use them fail otherwise, so E2E_LAUNCHER=xl still works while they
# are being written.
e2e-prep:
	$(Q)scripts/deps.sh e2e
	$(Q)$(MAKE) --no-print-directory guest $(SIDUMP) $(MINITS) $(PVHDUMP)
	-$(Q)$(MAKE) --no-print-directory $(XBUILD) >/dev/null 2>&1 || \
		echo "e2e: warning: $(XBUILD) does not build"
	-$(Q)$(MAKE) --no-print-directory $(XBUILD_TEST) >/dev/null 2>&1 || \
		echo "e2e: warning: $(XBUILD_TEST) does not build"

e2e: e2e-prep
	$(Q)$(E2E_ENV) E2E_NO_DEPS=1 tests/e2e/run.sh

# The demo needs a working xbuild (unless E2E_LAUNCHER=xl).
demo: e2e-prep
	$(Q)$(if $(filter xl,$(E2E_LAUNCHER)),true,$(MAKE) --no-print-directory $(XBUILD))
	$(Q)$(E2E_ENV) E2E_NO_DEPS=1 tests/e2e/run.sh --demo

.PHONY: e2e-prep
