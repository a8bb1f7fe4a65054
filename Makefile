# xbuild - one flat Makefile.  `make`, `make check`, `make install`,
# `make V=1` shows commands, user CPPFLAGS/CFLAGS/LDFLAGS are added to ours,
# `make WERROR=0` drops -Werror (for compilers newer than ours).
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DOCDIR  ?= $(PREFIX)/share/doc/xbuild
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR ?=
CC      ?= cc
WERROR  ?= 1
VERSION := 0.1.0

ifeq ($(V),1)
Q :=
else
Q := @
endif

# SAN=1 builds with AddressSanitizer + UndefinedBehaviorSanitizer into build-san/.
ifeq ($(SAN),1)
B := build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
B := build
SANFLAGS :=
endif
# The test binary $(BT)/xbuild (build-test/xbuild, build-san-test/xbuild
# with SAN=1): every object compiled with -DXB_TEST, which enables the test
# hooks (--backend sim, --test-bad-pte, XBUILD_SIM_*).  `make test-bin`.
BT := $(B)-test

ifeq ($(WERROR),0)
XB_WERROR :=
else
XB_WERROR := -Werror
endif

# Library flags from pkg-config.  A missing .pc stops the build with the
# package's name, except for the goals that install the packages first or
# need none.
PKGS := xencontrol xenforeignmemory xenguest xenstore xentoollog zlib liblzma \
        libxml-2.0 libzstd liblz4 lzo2 libdeflate nettle
NOPKG_GOALS := clean deps check e2e demo e2e-prep bench-xen uninstall format-check man-check
ifneq ($(filter-out $(NOPKG_GOALS),$(or $(MAKECMDGOALS),all)),)
ifeq ($(shell command -v pkg-config),)
$(error pkg-config not found: run scripts/deps.sh build)
endif
PKG_MISSING := $(shell for p in $(PKGS); do pkg-config --exists $$p || echo $$p; done)
ifneq ($(PKG_MISSING),)
$(error pkg-config finds no $(PKG_MISSING) (a -dev package is missing): run scripts/deps.sh build)
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
# libxml2 is opened at run time (src/cli/config_xml.c): its headers only.
PKG_LIBS   := $(shell pkg-config --libs $(filter-out libxml-2.0,$(PKGS))) -lbz2
endif

XB_CFLAGS := -std=gnu11 -D_GNU_SOURCE -D__XEN_TOOLS__ -O2 -g -Wall -Wextra $(XB_WERROR) \
             -Wshadow -Wvla -Wformat=2 -fno-strict-aliasing -MMD -MP \
             -DXB_VERSION='"$(VERSION)"' $(SANFLAGS) $(PKG_CFLAGS)
ALL_CFLAGS  = $(XB_CFLAGS) $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)
LIBS        = $(PKG_LIBS)

SRCS     := $(wildcard src/*.c src/*/*.c)
MAIN_SRC := src/cli/main.c
LIB_SRCS := $(filter-out $(MAIN_SRC),$(SRCS))
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
MAIN_OBJ := $(MAIN_SRC:%.c=$(B)/%.o)
TEST_VARIANT_OBJS := $(SRCS:%.c=$(BT)/%.o)

# tests/unit: test_*.c are test programs (with harness.c's main), the tools
# are programs of their own, every other .c is linked into the tests.
TOOL_SRCS := tests/unit/mkkernel.c tests/unit/mkseeds.c
TEST_SRCS := $(wildcard tests/unit/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(B)/tests/%)
TEST_HARNESS := $(patsubst %.c,$(B)/%.o,$(filter-out tests/unit/test_%.c $(TOOL_SRCS),$(wildcard tests/unit/*.c)))
MKKERNEL := $(B)/tests/mkkernel
MKSEEDS  := $(B)/tests/mkseeds

ifeq ($(SAN),1)
XBUILD := $(B)/xbuild
else
XBUILD := xbuild
endif
XBUILD_TEST := $(BT)/xbuild

.PHONY: all check unit install uninstall clean deps fuzz fuzz-build fuzz-replay fuzz-seeds \
	fuzz-merge-seeds test-bin mkkernel format-check man-check bench e2e demo guest

all: $(XBUILD)

# Keep every intermediate file (objects of tests, fuzz targets and the guest
# are made by chained rules); fragments must not name their own .SECONDARY.
.SECONDARY:

$(XBUILD): $(LIB_OBJS) $(MAIN_OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

test-bin: $(XBUILD_TEST)

$(XBUILD_TEST): $(TEST_VARIANT_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BT)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (XB_TEST)"
	$(Q)$(CC) $(ALL_CFLAGS) -DXB_TEST -c -o $@ $<

$(B)/tests/test_%: $(B)/tests/unit/test_%.o $(TEST_HARNESS) $(LIB_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# mkkernel: test kernels for the CLI tests (tests/unit/mkkernel.c).
mkkernel: $(MKKERNEL)

$(MKKERNEL): $(B)/tests/unit/mkkernel.o $(B)/tests/unit/elfgen.o
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^

$(MKSEEDS): $(B)/tests/unit/mkseeds.o $(B)/tests/unit/elfgen.o $(LIB_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# Unit tests, bad-input corpus and CLI tests: the CLI tests run the release
# binary (XBUILD) and, for the test hooks, the test binary (XBUILD_TEST).
# XB_COUNTS=FILE: tests/run-unit.sh appends "passed failed skipped" to FILE.
unit: $(XBUILD) $(XBUILD_TEST) $(MKKERNEL) $(TEST_BINS)
	$(Q)XBUILD=$(abspath $(XBUILD)) XBUILD_TEST=$(abspath $(XBUILD_TEST)) \
		MKKERNEL=$(abspath $(MKKERNEL)) tests/run-unit.sh $(TEST_BINS)

# Everything: installs test dependencies (idempotent), downloads the
# reference kernels, runs the unit and CLI tests normally and under
# ASan+UBSan, and replays every fuzz corpus; then the totals.  Under CI=true
# a kernel that cannot be downloaded is an error (and the tests needing it
# fail); elsewhere those tests are reported as skipped.  A step that fails
# without counting (a build error) counts as one failure.
CHECK_COUNTS := build/check-counts
check:
	$(Q)scripts/deps.sh test
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/fetch-kernel.sh || if [ "$${CI:-}" = true ]; then \
		echo "check: CI: the reference kernels must be downloaded (tests/fetch-kernel.sh)"; exit 1; \
	else echo "check: tests that need the missing kernels will be skipped"; fi
	$(Q)mkdir -p $(dir $(CHECK_COUNTS)); : >$(CHECK_COUNTS); rc=0; \
	export XB_COUNTS=$(abspath $(CHECK_COUNTS)); \
	for t in "SAN=0 unit" "SAN=1 unit" fuzz-replay man-check format-check; do \
		n=$$(wc -l <$(CHECK_COUNTS)); \
		$(MAKE) --no-print-directory $$t || { rc=1; \
			[ $$(wc -l <$(CHECK_COUNTS)) -gt $$n ] || echo "0 1 0" >>$(CHECK_COUNTS); }; \
	done; \
	echo "check: unit + CLI tests, the same under ASan+UBSan, fuzz corpora, man pages, format:"; \
	awk '{ p += $$1; f += $$2; s += $$3 } END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' \
		$(CHECK_COUNTS); \
	exit $$rc

# Fuzz targets: tests/fuzz/fuzz_NAME.c defines LLVMFuzzerTestOneInput; corpus
# in tests/fuzz/corpus/NAME/.  `make fuzz FUZZ_SECONDS=N` runs each for N s.
FUZZ_SECONDS ?= 10
FUZZ_CC    := clang
FUZZ_FLAGS := -std=gnu11 -D_GNU_SOURCE -D__XEN_TOOLS__ -O1 -g -DXB_VERSION='"$(VERSION)"' \
              -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
              -MMD -MP $(PKG_CFLAGS)
FUZZ_SRCS  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS  := $(FUZZ_SRCS:tests/fuzz/%.c=build-fuzz/%)
FUZZ_OBJS  := $(LIB_SRCS:%.c=build-fuzz/%.o)

build-fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -c -o $@ $<

build-fuzz/fuzz_%: build-fuzz/tests/fuzz/fuzz_%.o $(FUZZ_OBJS)
	@echo "  LD      $@"
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^ $(LIBS)

fuzz-build: $(FUZZ_BINS)

# Run each target for FUZZ_SECONDS on a scratch copy of its corpus, so new
# inputs do not land in the repository by accident.
fuzz: $(FUZZ_BINS)
	$(Q)set -e; for f in $(FUZZ_BINS); do n=$${f#build-fuzz/fuzz_}; \
	  mkdir -p build-fuzz/corpus/$$n tests/fuzz/corpus/$$n; \
	  echo "== fuzz $$n ($(FUZZ_SECONDS) s)"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=10 \
	      -print_final_stats=1 build-fuzz/corpus/$$n tests/fuzz/corpus/$$n 2>&1 | \
	      grep -E "^(stat::number_of_executed_units|==.*ERROR|SUMMARY)" || true; \
	  test -z "$$(ls crash-* leak-* timeout-* oom-* 2>/dev/null)" || { echo "fuzz $$n: crash"; exit 1; }; \
	done

# Replay every corpus input once (regression, fast): part of `make check`.
# Each target is one test: passed, failed, or skipped without a corpus
# (counted into XB_COUNTS when set).
fuzz-replay: $(FUZZ_BINS)
	$(Q)p=0; f=0; s=0; for t in $(FUZZ_BINS); do n=$${t#build-fuzz/fuzz_}; \
	  if [ ! -d tests/fuzz/corpus/$$n ]; then \
	    echo "fuzz-replay $$n: skipped (no tests/fuzz/corpus/$$n)"; s=$$((s + 1)); \
	  elif $$t -runs=0 tests/fuzz/corpus/$$n >build-fuzz/replay-$$n.log 2>&1; then \
	    echo "fuzz-replay $$n: ok ($$(ls tests/fuzz/corpus/$$n | wc -l) inputs)"; p=$$((p + 1)); \
	  else \
	    echo "fuzz-replay $$n: FAILED"; tail -20 build-fuzz/replay-$$n.log; f=$$((f + 1)); \
	  fi; \
	done; \
	[ -z "$${XB_COUNTS:-}" ] || echo "$$p $$f $$s" >>"$$XB_COUNTS"; \
	[ $$f -eq 0 ]

# Seed inputs made by the tests' kernel generator (tests/unit/mkseeds.c),
# written to build-fuzz/seeds/{elf,bzimage,decompress}; fuzz-merge-seeds
# adds those that reach new coverage to tests/fuzz/corpus (to commit).
fuzz-seeds: $(MKSEEDS)
	$(Q)rm -rf build-fuzz/seeds
	$(Q)$(MKSEEDS) build-fuzz/seeds
	$(Q)for d in build-fuzz/seeds/*; do echo "fuzz-seeds: $$d: $$(ls $$d | wc -l) inputs"; done

fuzz-merge-seeds: fuzz-seeds $(FUZZ_BINS)
	$(Q)set -e; for d in build-fuzz/seeds/*; do n=$${d##*/}; \
	  mkdir -p tests/fuzz/corpus/$$n; \
	  build-fuzz/fuzz_$$n -merge=1 tests/fuzz/corpus/$$n $$d 2>&1 | grep -E "^MERGE-OUTER: [0-9]+ new files" || true; \
	done

# Style: .clang-format.  Lists the files under src/, tests/unit and
# tests/fuzz that clang-format would change (not part of `make check` yet).
CLANG_FORMAT ?= clang-format
FORMAT_FILES := $(wildcard src/*.[ch] src/*/*.[ch] tests/unit/*.[ch] tests/fuzz/*.[ch])
format-check:
	$(Q)command -v $(CLANG_FORMAT) >/dev/null || { echo "format-check: no $(CLANG_FORMAT) (scripts/deps.sh test)"; exit 1; }
	$(Q)bad=0; lines=0; for f in $(FORMAT_FILES); do \
	  n=$$($(CLANG_FORMAT) --style=file "$$f" | diff "$$f" - | grep -c '^<'); \
	  [ "$$n" -eq 0 ] || { echo "format-check: $$f: $$n lines would change"; bad=$$((bad + 1)); lines=$$((lines + n)); }; \
	done; \
	[ $$bad -eq 0 ] || { echo "format-check: $$bad files, $$lines lines (clang-format -i FILE)"; exit 1; }; \
	echo "format-check: $(words $(FORMAT_FILES)) files as .clang-format wants them"; \
	[ -z "$${XB_COUNTS:-}" ] || echo "1 0 0" >>"$$XB_COUNTS"

deps:
	$(Q)scripts/deps.sh test

# Man pages: each rendered by groff with every warning on (-ww, tables
# through tbl); a warning fails, as a test (counted into XB_COUNTS when set).
MANPAGES := man/xbuild.1 man/xbuild.cfg.5
man-check:
	$(Q)command -v groff >/dev/null || { echo "man-check: no groff (scripts/deps.sh test)"; exit 1; }
	$(Q)mkdir -p $(B); p=0; f=0; for m in $(MANPAGES); do \
	  if groff -ww -t -man -Tutf8 -z "$$m" >$(B)/man-check.log 2>&1 && [ ! -s $(B)/man-check.log ]; then \
	    echo "man-check $$m: ok"; p=$$((p + 1)); \
	  else echo "man-check $$m: FAILED"; cat $(B)/man-check.log; f=$$((f + 1)); fi; \
	done; \
	[ -z "$${XB_COUNTS:-}" ] || echo "$$p $$f 0" >>"$$XB_COUNTS"; \
	[ $$f -eq 0 ]

# The binary, both man pages, the bash completion and the examples, under
# DESTDIR/PREFIX; uninstall removes exactly these (and xbuild's doc
# directory), tests/cli/install.sh checks both.
EXAMPLES := $(wildcard examples/*)
install: $(XBUILD)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(DOCDIR)/examples
	install -m 0755 $(XBUILD) $(DESTDIR)$(BINDIR)/xbuild
	install -m 0644 man/xbuild.1 $(DESTDIR)$(MANDIR)/man1/xbuild.1
	install -m 0644 man/xbuild.cfg.5 $(DESTDIR)$(MANDIR)/man5/xbuild.cfg.5
	install -m 0644 completion/xbuild.bash $(DESTDIR)$(BASHCOMPDIR)/xbuild
	install -m 0644 $(EXAMPLES) $(DESTDIR)$(DOCDIR)/examples/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/xbuild $(DESTDIR)$(MANDIR)/man1/xbuild.1 \
		$(DESTDIR)$(MANDIR)/man5/xbuild.cfg.5 $(DESTDIR)$(BASHCOMPDIR)/xbuild \
		$(addprefix $(DESTDIR)$(DOCDIR)/examples/,$(notdir $(EXAMPLES)))
	rmdir $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) 2>/dev/null || true

clean:
	rm -rf build build-san build-test build-san-test build-fuzz xbuild

# Fragments of other parts (e2e harness, guest, benchmarks) add targets here.
include $(wildcard tests/*/*.mk)

-include $(foreach d,build build-san build-test build-san-test build-fuzz, \
	$(wildcard $(d)/src/*.d $(d)/src/*/*.d $(d)/tests/*/*.d))
