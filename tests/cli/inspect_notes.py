#!/usr/bin/env python3
"""inspect_notes.py KERNEL INSPECT.JSON [READELF_COUNT]

The oracle for `xbuild inspect --json`: reads the kernel itself (a plain
ELF, or a bzImage whose payload is gzip or xz), walks every "Xen" note of
its PT_NOTE segments, and checks that the JSON shows each one with the
value the note holds (xen/elfnote.h), that sizes and the compression ratio
are the file's, and that runs_as follows from the notes.  READELF_COUNT:
how many Xen notes `readelf -n` listed, which must be how many this walk
found.  Exit 0, or 1 with one line per difference.
"""
import gzip, json, lzma, struct, sys

NUM = {1: "entry", 2: "hypercall_page", 3: "virt_base", 4: "paddr_offset",
       12: "hv_start_low", 15: "init_p2m", 18: "phys32_entry"}
STR = {5: "xen_version", 6: "guest_os", 7: "guest_version", 8: "loader",
       9: "pae_mode", 10: "features", 11: "bsd_symtab", 0: "info"}

def elf_of(b):
    if b[:4] == b"\x7fELF":
        return b
    if len(b) > 0x250 and b[0x202:0x206] == b"HdrS":
        setup = b[0x1f1] or 4
        off, ln = struct.unpack_from("<II", b, 0x248)
        p = b[(setup + 1) * 512 + off:(setup + 1) * 512 + off + ln]
        if p[:2] == b"\x1f\x8b":
            return gzip.decompress(p)
        if p[:6] == b"\xfd7zXZ\x00":
            return lzma.LZMADecompressor().decompress(p)
    raise SystemExit("inspect_notes.py: neither ELF nor a gzip/xz bzImage")

def xen_notes(e):
    is64 = e[4] == 2
    if is64:
        phoff, = struct.unpack_from("<Q", e, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", e, 0x36)
    else:
        phoff, = struct.unpack_from("<I", e, 0x1c)
        phentsize, phnum = struct.unpack_from("<HH", e, 0x2a)
    out = []
    for i in range(phnum):
        ph = phoff + i * phentsize
        if struct.unpack_from("<I", e, ph)[0] != 4:  # PT_NOTE
            continue
        if is64:
            off, = struct.unpack_from("<Q", e, ph + 8)
            size, = struct.unpack_from("<Q", e, ph + 32)
        else:
            off, = struct.unpack_from("<I", e, ph + 4)
            size, = struct.unpack_from("<I", e, ph + 16)
        pos = 0
        while size - pos >= 12:
            nsz, dsz, typ = struct.unpack_from("<III", e, off + pos)
            name = e[off + pos + 12:off + pos + 12 + nsz]
            d0 = off + pos + 12 + ((nsz + 3) & ~3)
            if name == b"Xen\x00":
                out.append((typ, e[d0:d0 + dsz]))
            pos = d0 - off + ((dsz + 3) & ~3)
    return out

def main():
    b = open(sys.argv[1], "rb").read()
    j = json.load(open(sys.argv[2]))
    e = elf_of(b)
    n = j["notes"]
    bad = []
    def eq(what, got, want):
        if got != want:
            bad.append("%s: %r, want %r" % (what, got, want))
    notes = xen_notes(e)
    if len(sys.argv) > 3:
        eq("Xen notes readelf -n lists", len(notes), int(sys.argv[3]))
    seen, other = set(), []
    for typ, d in notes:
        seen.add(typ)
        if typ in NUM and len(d) in (4, 8):
            eq("note %d %s" % (typ, NUM[typ]), n[NUM[typ]],
               hex(int.from_bytes(d, "little")))
        elif typ in STR:
            eq("note %d %s" % (typ, STR[typ]), n[STR[typ]],
               d.split(b"\0")[0].decode("ascii", "replace") or None)
        elif typ == 13:
            w = 8 if len(d) % 16 == 0 else 4
            eq("L1_MFN_VALID", n["l1_mfn_valid"],
               {"mask": hex(int.from_bytes(d[:w], "little")),
                "value": hex(int.from_bytes(d[w:2 * w], "little")),
                "pairs": len(d) // (2 * w)})
        elif typ == 14:
            eq("SUSPEND_CANCEL", n["suspend_cancel"], int.from_bytes(d, "little"))
        elif typ == 16:
            eq("MOD_START_PFN", n["mod_start_pfn"], int.from_bytes(d, "little") != 0)
        elif typ == 17:
            v = int.from_bytes(d, "little")
            eq("SUPPORTED_FEATURES in supported_features",
               int(n["supported_features"], 16) & v, v)
        elif typ > 18:
            other.append(typ)
    eq("other_types", n["other_types"], other[:8])
    # A note the kernel lacks is null.
    for typ, key in list(NUM.items()) + list(STR.items()):
        if typ not in seen and n[key] is not None:
            bad.append("note %d %s absent but %r" % (typ, key, n[key]))
    for typ, key in ((13, "l1_mfn_valid"), (14, "suspend_cancel")):
        if typ not in seen and n[key] is not None:
            bad.append("note %d %s absent but %r" % (typ, key, n[key]))
    eq("file_size", j["file_size"], len(b))
    eq("elf_size", j["elf_size"], len(e))
    eq("compression_ratio", j["compression_ratio"],
       ((len(e) * 100 + len(b) // 2) // len(b)) / 100)
    kinds = ["pv-x86_64" if e[4] == 2 else "pv-x86_32p"] + (["pvh"] if 18 in seen else [])
    eq("runs_as", j["runs_as"], kinds)
    for x in bad:
        print("    " + x)
    return 1 if bad else 0

sys.exit(main())
