# Checking guest (tests/guest): a freestanding x86_64 PV kernel built twice
# from one source, plus the host tool that sums its module.
#   $(B)/guest/xbc-classic.elf  required notes only
#   $(B)/guest/xbc-modern.elf   + INIT_P2M, MOD_START_PFN, PADDR_OFFSET, FEATURES
#   $(B)/guest/xbc-sum          FNV-1a + length of a file, for xbc.modsum=
GUEST_DIR   := tests/guest
GUEST_OUT   := $(B)/guest
GUEST_ELFS  := $(GUEST_OUT)/xbc-classic.elf $(GUEST_OUT)/xbc-modern.elf
GUEST_SRCS  := $(GUEST_DIR)/head.S $(GUEST_DIR)/guest.c
GUEST_DEPS  := $(GUEST_SRCS) $(GUEST_DIR)/xbc.h $(GUEST_DIR)/guest.lds.S $(GUEST_DIR)/guest.mk
# Freestanding, no red zone (Xen bounces exceptions onto our stack), kernel
# code model (linked in the top 2 GiB), no SSE (nothing saves it).
GUEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-builtin \
	-fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables -mno-red-zone \
	-mcmodel=kernel -mno-sse -mno-mmx -mno-avx -mgeneral-regs-only -fcf-protection=none \
	-D__XEN_INTERFACE_VERSION__=0x00040e00 -I$(GUEST_DIR)
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=4096 \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

guest: $(GUEST_ELFS) $(GUEST_OUT)/xbc-sum


$(GUEST_OUT)/xbc-%.lds: $(GUEST_DIR)/guest.lds.S $(GUEST_DIR)/xbc.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) -E -P -x c -I$(GUEST_DIR) $(if $(filter modern,$*),-DXBC_MODERN) -o $@ $<

$(GUEST_OUT)/xbc-%.elf: $(GUEST_DEPS) $(GUEST_OUT)/xbc-%.lds
	@echo "  GUEST   $@"
	$(Q)$(CC) $(GUEST_CFLAGS) $(if $(filter modern,$*),-DXBC_MODERN) $(GUEST_LDFLAGS) \
		-T $(GUEST_OUT)/xbc-$*.lds -o $@ $(GUEST_SRCS)

$(GUEST_OUT)/xbc-sum: $(GUEST_DIR)/sum.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) -O2 -Wall -Wextra -Werror -o $@ $<
