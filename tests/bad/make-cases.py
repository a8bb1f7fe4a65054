#!/usr/bin/env python3
"""make-cases.py OUTDIR - write the inputs of the bad-input corpus.

Every case of tests/bad/cases.txt names a file here: OUTDIR/NAME for
`inspect` cases, OUTDIR/NAME.cfg for `check`/`plan` cases.  Binary inputs
(kernels, compressed streams, garbage) are made here with struct.pack, so
that no binary blobs are committed; the hand-written configs in
tests/bad/cfg/*.cfg are copied with @D@ replaced by OUTDIR.

The base is a minimal valid Xen PV ELF64: one PT_LOAD (paddr 16 MiB,
vaddr 0xffffffff81000000) and one PT_NOTE holding XEN_VERSION "xen-3.0",
GUEST_OS "linux", LOADER "generic", VIRT_BASE 0xffffffff80000000 and
ENTRY; each ELF case changes one thing of it.
"""
import bz2
import gzip
import lzma
import os
import random
import shutil
import struct
import subprocess
import sys
import zlib

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
HERE = os.path.dirname(os.path.abspath(__file__))

# xen/elfnote.h
N_ENTRY, N_HYPERCALL_PAGE, N_VIRT_BASE, N_PADDR_OFFSET = 1, 2, 3, 4
N_XEN_VERSION, N_GUEST_OS, N_GUEST_VERSION, N_LOADER = 5, 6, 7, 8
N_PAE_MODE, N_FEATURES, N_INIT_P2M, N_MOD_START_PFN = 9, 10, 15, 16

PT_LOAD, PT_NOTE = 1, 4
PF_RWX = 7
VIRT_BASE = 0xffffffff80000000
PADDR = 0x1000000
VADDR = VIRT_BASE + PADDR
SEG_OFF = 0x1000
SEG_FILESZ = 0x1000
SEG_MEMSZ = 0x2000

written = []


def put(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    written.append(name)


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def note(ntype, desc, name=b"Xen\0", namesz=None, descsz=None):
    ns = len(name) if namesz is None else namesz
    ds = len(desc) if descsz is None else descsz
    return struct.pack("<III", ns, ds, ntype) + pad4(name) + pad4(desc)


def q(v):
    return struct.pack("<Q", v)


def std_notes(**kw):
    """The base notes, in order; kw overrides (None drops one, bytes sets
    a raw desc)."""
    notes = {
        "XEN_VERSION": (N_XEN_VERSION, b"xen-3.0\0"),
        "GUEST_OS": (N_GUEST_OS, b"linux\0"),
        "LOADER": (N_LOADER, b"generic\0"),
        "VIRT_BASE": (N_VIRT_BASE, q(VIRT_BASE)),
        "ENTRY": (N_ENTRY, q(VADDR)),
    }
    extra = {"PADDR_OFFSET": N_PADDR_OFFSET, "INIT_P2M": N_INIT_P2M,
             "FEATURES": N_FEATURES, "PAE_MODE": N_PAE_MODE,
             "HYPERCALL_PAGE": N_HYPERCALL_PAGE, "PHYS32_ENTRY": 18}
    for k, v in kw.items():
        if v is None:
            notes.pop(k, None)
        else:
            notes[k] = (notes[k][0] if k in notes else extra[k], v)
    return b"".join(note(t, d) for t, d in notes.values())


class Elf:
    """A mutable ELF64 (or ELF32) description, rendered by bytes()."""

    def __init__(self, notes=None, cls=64):
        self.cls = cls
        self.ident = bytearray(b"\x7fELF" + bytes([2 if cls == 64 else 1, 1, 1]) + b"\0" * 9)
        self.type = 2
        self.machine = 62 if cls == 64 else 3
        self.version = 1
        self.entry = VADDR
        self.phoff = None          # default: right after the ehdr
        self.shoff = 0
        self.flags = 0
        self.ehsize = None
        self.phentsize = None
        self.phnum = None          # default: len(self.phdrs)
        self.shentsize = 64 if cls == 64 else 40
        self.shnum = 0
        self.shstrndx = 0
        self.notes = std_notes() if notes is None else notes
        self.note_off = 0x600
        self.code = bytes([0xcc]) * SEG_FILESZ
        # [type, flags, offset, vaddr, paddr, filesz, memsz, align]
        self.phdrs = [
            [PT_LOAD, PF_RWX, SEG_OFF, VADDR, PADDR, SEG_FILESZ, SEG_MEMSZ, 0x1000],
            [PT_NOTE, 4, self.note_off, 0, 0, len(self.notes), len(self.notes), 4],
        ]
        self.blobs = []            # extra (offset, bytes)
        self.size = None           # default: end of the last thing written

    def set_notes(self, notes):
        self.notes = notes
        self.phdrs[1][5] = self.phdrs[1][6] = len(notes)

    def __bytes__(self):
        e64 = self.cls == 64
        ehsize = self.ehsize if self.ehsize is not None else (64 if e64 else 52)
        phentsize = self.phentsize if self.phentsize is not None else (56 if e64 else 32)
        phoff = self.phoff if self.phoff is not None else (64 if e64 else 52)
        phnum = self.phnum if self.phnum is not None else len(self.phdrs)
        if e64:
            eh = struct.pack("<16sHHIQQQIHHHHHH", bytes(self.ident), self.type,
                             self.machine, self.version, self.entry, phoff,
                             self.shoff, self.flags, ehsize, phentsize, phnum,
                             self.shentsize, self.shnum, self.shstrndx)
            ph = b"".join(struct.pack("<IIQQQQQQ", *p) for p in self.phdrs)
        else:
            eh = struct.pack("<16sHHIIIIIHHHHHH", bytes(self.ident), self.type,
                             self.machine, self.version, self.entry & 0xffffffff,
                             phoff, self.shoff, self.flags, ehsize, phentsize,
                             phnum, self.shentsize, self.shnum, self.shstrndx)
            ph = b"".join(struct.pack("<IIIIIIII", t, o & 0xffffffff, v & 0xffffffff,
                                      pa & 0xffffffff, fs & 0xffffffff,
                                      ms & 0xffffffff, fl, al)
                          for t, fl, o, v, pa, fs, ms, al in self.phdrs)
        parts = [(0, eh), (phoff if phoff < (1 << 20) else None, ph),
                 (self.note_off, self.notes), (SEG_OFF, self.code)] + self.blobs
        end = max(o + len(b) for o, b in parts if o is not None)
        buf = bytearray(end)
        for o, b in parts:
            if o is not None:
                buf[o:o + len(b)] = b
        if self.size is not None:
            buf = buf[:self.size] + b"\0" * max(0, self.size - len(buf))
        return bytes(buf)


def elf(**kw):
    e = Elf()
    for k, v in kw.items():
        setattr(e, k, v)
    return e


BASE = bytes(Elf())


def gz(data, mtime=0):
    return gzip.compress(data, mtime=mtime)


def tool(args, data):
    """Compress with an external tool (zstd, lz4, lzop): stdin -> stdout."""
    if not shutil.which(args[0]):
        return None
    return subprocess.run(args, input=data, stdout=subprocess.PIPE,
                          check=True).stdout


def bzimage(payload, setup_sects=1, version=0x020f, payload_offset=None,
            payload_length=None, magic=b"HdrS", trailer=None):
    """A minimal bzImage around payload; Linux's size_append trailer
    (LE32 decompressed size) is added when trailer is given."""
    if trailer is not None:
        payload = payload + struct.pack("<I", trailer)
    setup = bytearray((setup_sects + 1) * 512)
    setup[0x1f1] = setup_sects
    setup[0x1fe:0x200] = b"\x55\xaa"
    setup[0x202:0x206] = magic
    struct.pack_into("<H", setup, 0x206, version)
    # The protected-mode part: a few bytes of code, then the payload.
    pm = bytearray(0x100) + payload
    struct.pack_into("<I", setup, 0x248, 0x100 if payload_offset is None else payload_offset)
    struct.pack_into("<I", setup, 0x24c, len(payload) if payload_length is None else payload_length)
    return bytes(setup) + bytes(pm)


# ---------------------------------------------------------------- ELF ----
put("elf_valid", BASE)
# PVH: PHYS32_ENTRY (xen/elfnote.h 18) inside the segment, as 4 and 8 bytes.
put("elf_pvh_valid", bytes(Elf(notes=std_notes(PHYS32_ENTRY=struct.pack("<I", PADDR + 0x10)))))
put("elf_pvh8_valid", bytes(Elf(notes=std_notes(PHYS32_ENTRY=q(PADDR + 0x10)))))
put("empty-initrd", b"")
put("elf_trunc_ident", BASE[:10])
put("elf_trunc_ehdr", BASE[:40])
put("elf_trunc_at_phdr", BASE[:64])
put("elf_trunc_mid_phdr", BASE[:64 + 56 + 20])
e = Elf(); e.note_off = e.phdrs[1][2] = 0x2000          # notes last in the file
put("elf_trunc_note", bytes(e)[:0x2000 + 30])
put("elf_trunc_data", BASE[:SEG_OFF + SEG_FILESZ // 2])

put("elf_phoff_past_end", bytes(elf(phoff=0x100000)))
e = elf(phoff=0xfffffffffffffff0)
put("elf_phoff_wrap", bytes(e))
put("elf_shoff_past_end", bytes(elf(shoff=0x7fff0000, shnum=5)))
put("elf_shoff_wrap", bytes(elf(shoff=0xffffffffffffffc0, shnum=3)))
put("elf_phnum_huge", bytes(elf(phnum=0xfffe)))
put("elf_phnum_xnum", bytes(elf(phnum=0xffff)))
put("elf_phnum_zero", bytes(elf(phnum=0)))
put("elf_phentsize_bad", bytes(elf(phentsize=32)))

e = Elf(); e.phdrs[0][5] = SEG_MEMSZ + 0x1000            # filesz > memsz
put("elf_filesz_gt_memsz", bytes(e))
e = Elf(); e.phdrs.append([PT_LOAD, PF_RWX, SEG_OFF, VADDR + 0x1000, PADDR + 0x1000,
                           0x1000, 0x1000, 0x1000])     # second overlaps the first's bss
put("elf_seg_overlap", bytes(e))
e = Elf(); e.phdrs.append(list(e.phdrs[0]))                # identical twins
put("elf_seg_duplicate", bytes(e))
e = Elf(); e.phdrs[0][4] = 0xfffffffffffff000; e.phdrs[0][3] = 0xfffffffffffff000
put("elf_seg_wrap_paddr", bytes(e))
e = Elf(); e.phdrs[0][6] = 0xffffffffffffff00                # memsz wraps paddr
put("elf_seg_wrap_memsz", bytes(e))
e = Elf(); e.phdrs[0][4] = 0x0000800000000000; e.phdrs[0][3] = (VIRT_BASE + 0x0000800000000000) & (2**64 - 1)
put("elf_seg_wrap_virt", bytes(e))                          # paddr + VIRT_BASE wraps
e = Elf(); e.phdrs[0][5] = SEG_FILESZ * 4; e.phdrs[0][6] = SEG_FILESZ * 4
put("elf_seg_past_file", bytes(e))
e = Elf(); e.phdrs[0][2] = 0xfffffffffffff000                # offset + filesz wraps
put("elf_seg_offset_wrap", bytes(e))
e = Elf(); e.phdrs[1][2] = 0x100000                          # PT_NOTE past the file
put("elf_note_seg_past_file", bytes(e))
e = Elf(); e.phdrs = [e.phdrs[1]]
put("elf_no_load", bytes(e))
e = Elf(); e.phdrs += [[PT_LOAD, PF_RWX, SEG_OFF, VADDR + 0x10000 * i, PADDR + 0x10000 * i,
                        0x100, 0x100, 0x1000] for i in range(1, 17)]
put("elf_too_many_loads", bytes(e))

# Notes.
e = Elf(); e.set_notes(note(N_XEN_VERSION, b"xen-3.0\0", namesz=0x1000) + std_notes(XEN_VERSION=None))
put("elf_note_namesz_past", bytes(e))
e = Elf(); e.set_notes(std_notes() + note(N_GUEST_VERSION, b"2.6", descsz=0x10000))
put("elf_note_descsz_past", bytes(e))
e = Elf(); e.set_notes(std_notes() + note(N_GUEST_VERSION, b"2.6", descsz=0xfffffffd))
put("elf_note_descsz_wrap", bytes(e))
e = Elf(); e.set_notes(note(N_XEN_VERSION, b"xen-3.0\0", namesz=0xfffffffd) + std_notes(XEN_VERSION=None))
put("elf_note_namesz_wrap", bytes(e))
# A string note without its NUL, last in the segment and at the very end
# of the file: must be read up to descsz, never past it.
e = Elf(); e.code = b""; e.phdrs[0][5] = 0
e.note_off = SEG_OFF
notes = std_notes(LOADER=None)
last = struct.pack("<III", 4, 7, N_LOADER) + b"Xen\0" + b"generic"
e.set_notes(notes + last); e.phdrs[1][2] = SEG_OFF
put("elf_note_unterminated_eof", bytes(e))
# A file cut short inside its last note, as GRUB's i386 PV image is: a
# string note whose NUL is present is read (libelf does); a numeric note
# or a string without its NUL is refused.
for nm, last in (("elf_note_cut_string_eof",
                  struct.pack("<III", 4, 12, N_LOADER) + b"Xen\0" + b"generic\0"),
                 ("elf_note_cut_nonul_eof",
                  struct.pack("<III", 4, 12, N_LOADER) + b"Xen\0" + b"generic"),
                 ("elf_note_cut_num_eof",
                  struct.pack("<III", 4, 8, N_ENTRY) + b"Xen\0" + b"\0\0\0\0")):
    e = Elf(); e.code = b""; e.phdrs[0][5] = 0
    e.note_off = SEG_OFF
    e.set_notes(std_notes(LOADER=None) + last); e.phdrs[1][2] = SEG_OFF
    put(nm, bytes(e))
e = Elf(); e.set_notes(std_notes(XEN_VERSION=b"xen-3.0" + b"A" * 200))
put("elf_note_string_too_long", bytes(e))
e = Elf(); e.set_notes(std_notes(VIRT_BASE=b"\0\0\0"))
put("elf_note_num_size3", bytes(e))
e = Elf(); e.set_notes(std_notes(ENTRY=q(VADDR) + q(0)))
put("elf_note_num_size16", bytes(e))
e = Elf(); e.note_off = e.phdrs[1][2] = 0x3000
e.set_notes(b"".join(note(N_GUEST_VERSION, b"") for _ in range(70000)) + std_notes())
put("elf_note_flood", bytes(e))
put("elf_no_xen_notes", bytes(Elf(notes=note(1, b"GNU\0", name=b"GNU\0"))))
put("elf_no_xen_version", bytes(Elf(notes=std_notes(XEN_VERSION=None))))
put("elf_xen_version_wrong", bytes(Elf(notes=std_notes(XEN_VERSION=b"xen-2.0\0"))))
put("elf_no_loader_guest_os", bytes(Elf(notes=std_notes(LOADER=None, GUEST_OS=None))))
put("elf_loader_wrong", bytes(Elf(notes=std_notes(LOADER=b"special\0", GUEST_OS=b"plan9\0"))))
put("elf_features_dom0", bytes(Elf(notes=std_notes(FEATURES=b"writable_page_tables|!dom0\0"))))
put("elf_features_autotrans", bytes(Elf(notes=std_notes(FEATURES=b"!auto_translated_physmap\0"))))
put("elf_features_unknown_req", bytes(Elf(notes=std_notes(FEATURES=b"!frobnicate\0"))))
put("elf_entry_below", bytes(Elf(notes=std_notes(ENTRY=q(VADDR - 0x1000)))))
put("elf_entry_at_end", bytes(Elf(notes=std_notes(ENTRY=q(VADDR + SEG_MEMSZ)))))
put("elf_e_entry_outside", bytes(elf(entry=0x1234, notes=std_notes(ENTRY=None))))
put("elf_virt_base_unaligned", bytes(Elf(notes=std_notes(VIRT_BASE=q(VIRT_BASE + 0x10)))))
put("elf_paddr_offset_no_virt_base",
    bytes(Elf(notes=std_notes(VIRT_BASE=None, PADDR_OFFSET=q(VIRT_BASE)))))
put("elf_virt_base_above_kstart",
    bytes(Elf(notes=std_notes(PADDR_OFFSET=q(PADDR * 2)))))
put("elf_init_p2m_inside", bytes(Elf(notes=std_notes(INIT_P2M=q(VADDR)))))
put("elf_hypercall_outside", bytes(Elf(notes=std_notes(HYPERCALL_PAGE=q(VADDR + 0x100000)))))
# A hypercall page that starts inside the kernel but ends past its last
# segment (memsz 0x1800): cut off, not outside.
e = Elf(notes=std_notes(HYPERCALL_PAGE=q(VADDR + 0x1000))); e.phdrs[0][6] = 0x1800
put("elf_hypercall_cut", bytes(e))
# e_phoff 0 (no program header table) and inside the ELF header: the
# header itself must not be read as segments.
b = bytearray(BASE); struct.pack_into("<Q", b, 32, 0)
put("elf_phoff_zero", bytes(b))
b = bytearray(BASE); struct.pack_into("<Q", b, 32, 0x20)
put("elf_phoff_in_ehdr", bytes(b))
# VIRT_BASE 1 GiB below the kernel (paddr 1 GiB, PADDR_OFFSET 0): the pfns
# below the kernel are padding a 128 MiB guest cannot hold.
FAR = 0x40000000
e = Elf(notes=std_notes(ENTRY=q(VIRT_BASE + FAR))); e.entry = VIRT_BASE + FAR
e.phdrs[0][3], e.phdrs[0][4] = VIRT_BASE + FAR, FAR
put("elf_virt_base_far", bytes(e))
put("elf_wrong_machine", bytes(elf(machine=3)))
e = Elf(); e.ident[5] = 2
put("elf_big_endian", bytes(e))
e = Elf(); e.ident[4] = 3
put("elf_bad_class", bytes(e))
put("elf_type_rel", bytes(elf(type=1)))
# ELF32: without PAE_MODE (refused), with PAE_MODE "yes" (accepted).
n32 = (note(N_XEN_VERSION, b"xen-3.0\0") + note(N_GUEST_OS, b"linux\0") +
       note(N_LOADER, b"generic\0") + note(N_VIRT_BASE, struct.pack("<I", 0xc0000000)) +
       note(N_ENTRY, struct.pack("<I", 0xc0100000)))


def elf32(notes):
    e = Elf(notes=notes, cls=32)
    e.entry = 0xc0100000
    e.phdrs[0][3], e.phdrs[0][4] = 0xc0100000, 0x100000
    return e


put("elf32_no_pae", bytes(elf32(n32)))
put("elf32_pae_ok", bytes(elf32(n32 + note(N_PAE_MODE, b"yes\0"))))

# Plan level: a 1 GiB bss (more memory than the guest has).
e = Elf(); e.phdrs[0][6] = 0x40000000
put("elf_bss_1g", bytes(e))

# ----------------------------------------------------------- bzImage ----
ELF_GZ = gz(BASE)
put("bz_valid", bzimage(ELF_GZ))
put("bz_bad_hdrs", bzimage(ELF_GZ, magic=b"HdrX"))
put("bz_proto_207", bzimage(ELF_GZ, version=0x0207))
put("bz_trunc_header", bzimage(ELF_GZ)[:0x230])
put("bz_payload_offset_past", bzimage(ELF_GZ, payload_offset=0x7fffff00))
put("bz_payload_length_past", bzimage(ELF_GZ, payload_length=0x10000000))
put("bz_payload_wrap", bzimage(ELF_GZ, payload_offset=0xffffffff, payload_length=0xffffffff))
put("bz_payload_raw_elf", bzimage(BASE))
put("bz_payload_not_elf", bzimage(gz(b"this is not an ELF image\n" * 100)))
# gzip whose ISIZE trailer claims 4 GiB (0xffffffff bytes).
put("bz_isize_4g", bzimage(ELF_GZ[:-4] + struct.pack("<I", 0xffffffff)))
# xz payload (Linux appends the LE32 size) that lies about its size.
ELF_XZ = lzma.compress(BASE, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32)
put("bz_xz_valid", bzimage(ELF_XZ, trailer=len(BASE)))
put("bz_xz_size_lie", bzimage(ELF_XZ, trailer=len(BASE) - 4096))
put("bz_gzip_isize_lie", bzimage(ELF_GZ[:-4] + struct.pack("<I", len(BASE) + 4096)))
put("bz_gzip_truncated", bzimage(ELF_GZ[: len(ELF_GZ) // 2] + ELF_GZ[-4:]))

# ------------------------------------------------- compressed streams ----
LZMA_ALONE = lzma.compress(BASE, format=lzma.FORMAT_ALONE)
streams = {
    "gzip": gz(BASE),
    "xz": ELF_XZ,
    "bzip2": bz2.compress(BASE),
    "lzma": LZMA_ALONE,
    "zstd": tool(["zstd", "-q", "-c"], BASE),
    "lz4": tool(["lz4", "-q", "-l", "-c"], BASE),
    "lzo": tool(["lzop", "-q", "-c"], BASE),
}
for fmt, data in streams.items():
    if data is None:
        continue
    put("vmlinux_%s_valid" % fmt, data)
    put("vmlinux_%s_truncated" % fmt, data[: len(data) // 2])
put("vmlinux_gzip_isize_4g", ELF_GZ[:-4] + struct.pack("<I", 0xffffffff))
put("vmlinux_gzip_not_elf", gz(b"\0" * 4096))

# Decoder limits and lzop fields of 4 GiB: the message names them.
# xz: the LZMA2 dictionary byte of the first block header (size 12 bytes:
# size, flags, filter id 0x21, props size 1, props; CRC32 redone): 2 GiB.
x = bytearray(ELF_XZ)
assert x[12] == 2 and x[14] == 0x21 and x[15] == 1
x[16] = 38
struct.pack_into("<I", x, 20, zlib.crc32(bytes(x[12:20])))
put("vmlinux_xz_dict_2g", bytes(x))
# .lzma: LE32 dictionary size after the properties byte: 3 GiB.
x = bytearray(LZMA_ALONE)
struct.pack_into("<I", x, 1, 0xc0000000)
put("vmlinux_lzma_dict_3g", bytes(x))
# zstd from stdin has no content size: byte 5 is the window descriptor
# (exponent << 3): 2^(10 + 21) = 2 GiB.
z = tool(["zstd", "-q", "-c"], BASE)
if z:
    z = bytearray(z)
    assert not z[4] & 0x20
    z[5] = 21 << 3
    put("vmlinux_zstd_window_2g", bytes(z))
# lzop: the first block's uncompressed size, 4 GiB - 1.
z = tool(["lzop", "-q", "-c"], BASE)
if z:
    z = bytearray(z)
    at = 9 + 2 + 2 + 2 + 1 + 1              # magic, versions, method, level
    flags = struct.unpack_from(">I", z, at)[0]
    at += 4 + (4 if flags & 0x800 else 0) + 4 + 8     # flags, filter, mode, mtime
    at += 1 + z[at] + 4                     # name, header checksum
    struct.pack_into(">I", z, at, 0xffffffff)
    put("vmlinux_lzo_block_4g", bytes(z))

# Decompression bombs: 16 MiB of zeros, refused under a 1 MiB cap.
ZEROS = bytes(16 << 20)
put("bomb_gzip", gz(ZEROS))
put("bomb_xz", lzma.compress(ZEROS, format=lzma.FORMAT_XZ))
put("bomb_bzip2", bz2.compress(ZEROS))
z = tool(["zstd", "-q", "-c"], ZEROS)
if z:
    put("bomb_zstd", z)
put("bomb_bz_gzip", bzimage(gz(ZEROS)))
# Payloads whose size trailer lies small: the decoder itself must stop.
put("bomb_bz_gzip_isize_lie", bzimage(gz(ZEROS)[:-4] + struct.pack("<I", 4096)))
put("bomb_bz_xz_trailer_lie", bzimage(lzma.compress(ZEROS, format=lzma.FORMAT_XZ,
                                                    check=lzma.CHECK_CRC32), trailer=4096))
# Initrds.
put("initrd_20m", b"")                      # 20 MiB of zeros, sparse
os.truncate(os.path.join(OUT, "initrd_20m"), 20 << 20)
put("initrd_bomb.gz", gz(ZEROS))


def newc(files):
    """A newc cpio archive of (name, data) pairs (directories for data
    None), with its trailer, padded to 512 bytes as cpio writes it."""
    out = b""
    for i, (name, data) in enumerate(list(files) + [("TRAILER!!!", b"")]):
        mode = 0o040755 if data is None else (0 if name == "TRAILER!!!" else 0o100644)
        data = data or b""
        nm = name.encode() + b"\0"
        out += b"070701" + b"".join(b"%08X" % v for v in (
            1000 + i, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nm), 0))
        out = pad4(out + nm)
        out = pad4(out + data)
    return out + b"\0" * (-len(out) % 512)


# Multi-member initrds, as initramfs-tools and dracut write them (early
# microcode as plain cpio first): every member must reach the guest.
M1 = newc([("m1", None), ("m1/marker", b"member one\n")])
M2 = newc([("m2", None), ("m2/marker", b"member two\n")])
M3 = newc([("m3", None), ("m3/marker", b"member three\n")])
multi = M1 + gz(M2) + b"\0" * 3 + lzma.compress(M3, format=lzma.FORMAT_XZ)
put("initrd_multi", multi)
put("initrd_multi_junk", multi + b"\0" * 5 + b"GARBAGE!")
put("initrd_multi_trunc", M1 + gz(M2)[:40])
put("initrd_multi_bomb", M1 + gz(M2) + gz(ZEROS))
put("initrd_multi_notcpio", gz(M2) + gz(b"this is no cpio archive\n"))

# ------------------------------------------------------------ configs ----
os.mkfifo(os.path.join(OUT, "fifo"))
os.mkdir(os.path.join(OUT, "dir"))
rnd = random.Random(25)
garbage = bytes(rnd.randrange(256) for _ in range(4096))
garbage = b"\x01" + garbage[1:]           # never '<' first: xl, not XML
put("cfg_binary_garbage.cfg", garbage)
put("cfg_nul_in_string.cfg",
    b'name = "a\0b"\nkernel = "' + os.path.join(OUT, "elf_valid").encode() + b'"\n')
put("cfg_nul_line.cfg",
    b'name = "t"\n\0\nkernel = "' + os.path.join(OUT, "elf_valid").encode() + b'"\n')
put("cfg_too_big.cfg", b"# " + b"x" * (2 << 20) + b"\n")
put("cfg_nested_lists.cfg", b'name = "t"\nkernel = "k"\ndisk = ' + b"[" * 100000 +
    b"]" * 100000 + b"\n")
put("cfg_cmdline_1023.cfg", ('name = "t"\nkernel = "%s/elf_valid"\ncmdline = "%s"\n'
                             % (OUT, "x" * 1023)).encode())
put("cfg_cmdline_1024.cfg", ('name = "t"\nkernel = "%s/elf_valid"\ncmdline = "%s"\n'
                             % (OUT, "x" * 1024)).encode())
put("plan_cmdline_1024.cfg", ('name = "t"\nkernel = "%s/elf_valid"\ncmdline = "%s"\n'
                              % (OUT, "x" * 1024)).encode())
put("cfg_root_extra_1024.cfg", ('name = "t"\nkernel = "%s/elf_valid"\nroot = "%s"\n'
                                'extra = "%s"\n' % (OUT, "r" * 500, "e" * 520)).encode())
put("xml_billion_laughs.cfg", (
    '<?xml version="1.0"?>\n<!DOCTYPE domain [\n <!ENTITY a "aaaaaaaaaa">\n' +
    "".join(' <!ENTITY %s "%s">\n' % (chr(ord("b") + i), ("&%s;" % chr(ord("a") + i)) * 10)
            for i in range(9)) +
    ']>\n<domain type="xen"><name>&j;</name><memory>128</memory>'
    '<os><type>linux</type><kernel>%s/elf_valid</kernel></os></domain>\n' % OUT).encode())

# Encodings: a UTF-8 byte order mark is skipped; UTF-16 is refused by name.
VALID_XL = 'name = "enc"\nkernel = "%s/elf_valid"\n' % OUT
VALID_XML = ("<domain type='xen'><name>enc</name><memory unit='MiB'>128</memory>"
             "<os><type>linux</type><kernel>%s/elf_valid</kernel></os></domain>\n" % OUT)
put("cfg_bom_utf8.cfg", b"\xef\xbb\xbf" + VALID_XL.encode())
put("xml_bom_utf8.cfg", b"\xef\xbb\xbf" + VALID_XML.encode())
put("cfg_utf16.cfg", VALID_XL.encode("utf-16"))          # with a BOM
put("cfg_utf16be_nobom.cfg", VALID_XL.encode("utf-16-be"))
put("xml_utf16.cfg", VALID_XML.encode("utf-16-le"))
# Nested deeper than the XML parser allows (256).
put("xml_too_deep.cfg", ("<domain type='xen'>" + "<a>" * 300 + "</a>" * 300 +
                         "</domain>\n").encode())
# Floods: one key 70,000 times, 60,000 different unknown elements, 1 MiB at
# most; one coalesced warning each, a bounded list, no time or memory blowup.
put("cfg_flood_disk.cfg", (VALID_XL + "disk=['x']\n" * 70000).encode())
put("xml_flood_elements.cfg", (VALID_XML.replace("</domain>\n", "") +
                               "".join("<e%d/>\n" % i for i in range(60000)) +
                               "</domain>\n").encode())

cfgdir = os.path.join(HERE, "cfg")
for fn in sorted(os.listdir(cfgdir)):
    with open(os.path.join(cfgdir, fn)) as f:
        text = f.read().replace("@D@", OUT)
    put(fn, text.encode())
