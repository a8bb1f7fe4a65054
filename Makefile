# xbuild - one flat Makefile.  `make`, `make check`, `make install`,
# `make V=1` shows commands, user CFLAGS/LDFLAGS are added to ours.
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DESTDIR ?=
CC      ?= cc
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

PKGS := xencontrol xenforeignmemory xenguest xenstore xentoollog zlib liblzma \
        libxml-2.0 libzstd liblz4 lzo2
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lbz2

XB_CFLAGS := -std=c11 -D_GNU_SOURCE -D__XEN_TOOLS__ -O2 -g -Wall -Wextra -Werror \
             -Wshadow -Wvla -Wformat=2 -fno-strict-aliasing -MMD -MP \
             -DXB_VERSION='"$(VERSION)"' $(SANFLAGS) $(PKG_CFLAGS)
ALL_CFLAGS  = $(XB_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)
LIBS        = $(PKG_LIBS)

SRCS     := $(wildcard src/*.c src/*/*.c)
MAIN_SRC := src/cli/main.c
LIB_SRCS := $(filter-out $(MAIN_SRC),$(SRCS))
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
MAIN_OBJ := $(MAIN_SRC:%.c=$(B)/%.o)

TEST_SRCS := $(wildcard tests/unit/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(B)/tests/%)
TEST_HARNESS := $(B)/tests/unit/harness.o

ifeq ($(SAN),1)
XBUILD := $(B)/xbuild
else
XBUILD := xbuild
endif

.PHONY: all check unit test-san install uninstall clean deps fuzz bench e2e demo guest

all: $(XBUILD)

$(XBUILD): $(LIB_OBJS) $(MAIN_OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/tests/test_%: $(B)/tests/unit/test_%.o $(TEST_HARNESS) $(LIB_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# Unit tests, bad-input corpus and CLI tests.
unit: $(XBUILD) $(TEST_BINS)
	$(Q)XBUILD=$(abspath $(XBUILD)) tests/run-unit.sh $(TEST_BINS)

# Everything: installs test dependencies (idempotent), runs the unit tests
# normally and under ASan+UBSan.
check:
	$(Q)scripts/deps.sh test
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/fetch-kernel.sh || true
	$(Q)$(MAKE) --no-print-directory unit
	$(Q)$(MAKE) --no-print-directory SAN=1 unit

deps:
	$(Q)scripts/deps.sh test

install: $(XBUILD)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(XBUILD) $(DESTDIR)$(BINDIR)/xbuild
	install -m 0644 man/xbuild.1 $(DESTDIR)$(MANDIR)/man1/xbuild.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/xbuild $(DESTDIR)$(MANDIR)/man1/xbuild.1

clean:
	rm -rf build build-san xbuild

-include $(wildcard build/src/*.d build/src/*/*.d build/tests/*/*.d \
                    build-san/src/*.d build-san/src/*/*.d build-san/tests/*/*.d)
