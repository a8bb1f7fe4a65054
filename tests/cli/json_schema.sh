#!/bin/sh
# One JSON contract: every document `--json` writes -- each command's
# result, --version, input, usage, hypervisor and signal errors -- is one
# line on stdout that doc/xbuild.schema.json (draft 2020-12) accepts, with
# the exit code and class it names; and the conventions the schema cannot
# see: the same fact has the same type everywhere (store_mfn), absent notes
# are null, warnings carry file, line and key.  run, build and gc run on the
# simulated backend of the test binary, the rest on the release binary.
. "$(dirname "$0")/lib.sh"
SCHEMA=$TOP/doc/xbuild.schema.json
PY=""
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import jsonschema; jsonschema.Draft202012Validator' 2>/dev/null; then
		PY=$p; break
	fi
done
[ -n "$PY" ] || { fail "no python3 with jsonschema (python3-jsonschema: scripts/deps.sh test)"; finish; }
"$PY" - "$SCHEMA" <<'PY' || fail "the schema itself is not valid draft 2020-12"
import json, sys, jsonschema
jsonschema.Draft202012Validator.check_schema(json.load(open(sys.argv[1])))
PY

kernel "$T/linux.xz" --linux --bzimage xz
kernel "$T/pvh.xz" --linux --bzimage xz --phys32-entry 0x1000200
kernel "$T/classic" --hypercall-page
head -c 200000 /dev/urandom | gzip >"$T/rd.gz"
cat >"$T/full.cfg" <<CFG
name = "full"
memory = 64
kernel = "$T/linux.xz"
ramdisk = "$T/rd.gz"
extra = "console=hvc0"
disk = [ "phy:/dev/null,xvda,w" ]
disk = [ "phy:/dev/null,xvdb,w" ]
frobnicate = 1
CFG
cat >"$T/classic.cfg" <<CFG
name = "classic"
memory = 32
kernel = "$T/classic"
ramdisk = "$T/rd.gz"
CFG
cat >"$T/guest.xml" <<XML
<domain type='xen'>
  <name>x</name>
  <memory unit='KiB'>65537</memory>
  <os><type>linux</type><kernel>$T/classic</kernel></os>
  <devices><disk type='file'/></devices>
</domain>
XML
printf 'name = "t"\nkernel = "%s"\n' "$T/rd.gz" >"$T/bad.cfg"
printf 'name = "p"\ntype = "pvh"\nkernel = "%s"\nramdisk = "%s"\ncpuid = "host,rdtscp=0,x2apic=k"\n' \
	"$T/pvh.xz" "$T/rd.gz" >"$T/pvh.cfg"

n=0
# doc WANT_RC NAME -- CMD...: run CMD, keep its stdout as $T/doc.NAME.json
# with the wanted exit code.
doc() {
	want=$1; dname=$2; shift 3
	"$@" >"$T/doc.$dname.json" 2>"$T/err.$dname"; rc=$?
	[ "$rc" -eq "$want" ] || fail "$dname: '$*' exited $rc, wanted $want ($(head -c 300 "$T/err.$dname"))"
	n=$((n + 1))
}
X=$XBUILD_TEST
doc 0 plan -- "$XBUILD" plan --json "$T/full.cfg"
doc 0 plan_classic -- "$XBUILD" plan --json "$T/classic.cfg"
doc 0 plan_xml -- "$XBUILD" plan --json "$T/guest.xml"
doc 0 plan_timings -- "$XBUILD" plan --json --timings "$T/full.cfg"
doc 0 check -- "$XBUILD" check --json "$T/full.cfg"
doc 0 check_resolved -- "$XBUILD" check "$T/full.cfg" --resolved memory=32 --json --cmdline quiet
doc 0 check_resolved_xml -- "$XBUILD" check --resolved --json "$T/guest.xml"
doc 0 check_pvh -- "$XBUILD" check --resolved --json "$T/pvh.cfg"
doc 0 plan_pvh -- "$XBUILD" plan --json "$T/pvh.cfg" memory=5000
doc 0 run_pvh -- "$X" run --backend sim --json -p "$T/pvh.cfg"
doc 2 e_pvh_entry -- "$XBUILD" plan --json "$T/pvh.cfg" 'kernel="'"$T/linux.xz"'"'
doc 0 inspect -- "$XBUILD" inspect --json "$T/linux.xz"
doc 0 inspect_elf -- "$XBUILD" inspect --json "$T/classic"
doc 0 version -- "$XBUILD" --version --json
doc 0 run -- "$X" run --backend sim --json --no-devices "$T/full.cfg"
doc 2 e_devices -- "$X" run --backend sim --json "$T/full.cfg"
doc 0 run_paused -- "$X" run --backend sim --json -p "$T/classic.cfg"
doc 0 run_timings -- "$X" run --backend sim --json --timings "$T/classic.cfg"
doc 0 build -- "$X" build --backend sim --json --domid 7 --store-evtchn 1 --console-evtchn 2 "$T/full.cfg"
doc 0 build_nocfg -- "$X" build --backend sim --json --domid 7 --store-evtchn 1 --console-evtchn 2 --kernel "$T/classic"
doc 0 gc -- "$X" gc --backend sim --json
doc 0 plan_cache_miss -- "$XBUILD" plan --json --cache-dir "$T/kc" "$T/full.cfg"
doc 0 plan_cache_hit -- "$XBUILD" plan --json --timings --cache-dir "$T/kc" "$T/full.cfg"
doc 0 plan_cache_elf -- "$XBUILD" plan --json --cache-dir "$T/kc" "$T/classic.cfg"
doc 0 run_cache -- "$X" run --backend sim --json --no-devices --cache-dir "$T/kc" "$T/full.cfg"
doc 0 build_cache -- "$X" build --backend sim --json --domid 7 --store-evtchn 1 --console-evtchn 2 --cache-dir "$T/kc" "$T/full.cfg"
doc 2 e_input -- "$XBUILD" check --json "$T/bad.cfg"
doc 2 e_inspect -- "$XBUILD" inspect --json "$T/rd.gz"
doc 1 e_option -- "$XBUILD" plan --json --frob "$T/full.cfg"
doc 1 e_command -- "$XBUILD" frobnicate --json
doc 1 e_nocommand -- "$XBUILD" --json
doc 1 e_noarg -- "$XBUILD" check --json
doc 1 e_build_args -- "$XBUILD" build --json "$T/full.cfg"
doc 1 e_number -- "$XBUILD" plan --json --memory lots "$T/full.cfg"
doc 1 e_late -- "$XBUILD" plan "$T/full.cfg" --json -- --frob
doc 3 e_hv -- env XBUILD_SIM_FAIL_OP=pin_root "$X" run --backend sim --json --no-devices "$T/full.cfg"
# run -F: one document per line, each a document of its own (split): the
# run document after each build, shutdown, signal and exit events.
# fdocs NAME: $T/out's lines as doc.NAME1.json, doc.NAME2.json, ...
fdocs() {
	k=0
	while IFS= read -r l; do
		k=$((k + 1)); n=$((n + 1))
		printf '%s\n' "$l" >"$T/doc.$1$k.json"
	done <"$T/out"
}
XBUILD_SIM_GUEST=reboot,crash "$X" run -F --backend sim --json "$T/classic.cfg" \
	'on_reboot="rename-restart"' 'on_crash="preserve"' >"$T/out" 2>"$T/err.fg"
[ $? -eq 6 ] || fail "run -F: exit $?, wanted 6 ($(cat "$T/err.fg"))"
fdocs fg
XBUILD_SIM_GUEST=vanish "$X" run -F --backend sim --json "$T/classic.cfg" >"$T/out" 2>"$T/err.fg"
fdocs fgvanish
rm -f "$T/out"
XBUILD_SIM_GUEST=deaf "$X" run -F --shutdown-timeout 0 --backend sim --json "$T/classic.cfg" >"$T/out" 2>"$T/err.fg" &
pid=$!
i=0
until [ -s "$T/out" ] || [ $i -ge 200 ]; do sleep 0.05; i=$((i + 1)); done
kill -TERM $pid
wait $pid
fdocs fgsig
# A signal before anything exists: the handler writes the error object.
head -c 400000000 /dev/zero | xz -0 -T1 >"$T/zeros.xz"
"$XBUILD" inspect --json --max-decompressed 1000 "$T/zeros.xz" >"$T/doc.e_signal.json" 2>"$T/err.e_signal" &
pid=$!
wait_handler $pid 15 || fail "no SIGTERM handler in xbuild"
sleep 0.1
kill -TERM $pid
wait $pid; rc=$?
[ $rc -eq 143 ] || fail "e_signal: exit $rc, wanted 143"
n=$((n + 1))
[ "$(ls "$T"/doc.*.json | wc -l)" -eq $n ] || fail "documents: $(ls "$T"/doc.*.json | wc -l), wanted $n"

"$PY" - "$SCHEMA" "$T" <<'PY' || fail "see above"
import glob, json, os, re, sys, jsonschema
schema = json.load(open(sys.argv[1]))
v = jsonschema.Draft202012Validator(schema)
docs, bad = {}, []
for path in sorted(glob.glob(os.path.join(sys.argv[2], "doc.*.json"))):
    name = os.path.basename(path)[4:-5]
    text = open(path).read()
    if text.count("\n") != 1 or not text.endswith("\n"):
        bad.append("%s: not one line: %r" % (name, text[:200]))
        continue
    try:
        d = json.loads(text)
    except ValueError as e:
        bad.append("%s: not JSON (%s): %r" % (name, e, text[:200]))
        continue
    for e in v.iter_errors(d):
        bad.append("%s: %s at %s" % (name, e.message[:300], "/".join(map(str, e.absolute_path))))
    if list(d)[:2] != ["version", "command"]:
        bad.append("%s: first members %r" % (name, list(d)[:2]))
    docs[name] = d
def eq(what, got, want):
    if got != want:
        bad.append("%s: %r, want %r" % (what, got, want))
def err(name, code, cls, command, needle):
    e = docs.get(name, {}).get("error", {})
    eq(name + " code", e.get("code"), code)
    eq(name + " class", e.get("class"), cls)
    eq(name + " command", docs.get(name, {}).get("command"), command)
    if needle not in e.get("message", ""):
        bad.append("%s: message %r lacks %r" % (name, e.get("message"), needle))
err("e_input", 2, "input", "check", "is not an ELF image")
err("e_inspect", 2, "input", "inspect", "rd.gz")
err("e_pvh_entry", 2, "input", "plan", "the kernel has no PVH entry")
pp = docs.get("plan_pvh", {})
eq("plan_pvh guest_type", pp.get("guest_type"), "hvm-3.0-x86_64")
eq("plan_pvh highmem_end", pp.get("highmem_end"), "0x13c800000")
eq("plan_pvh memory map", [m["type"] for m in pp.get("memory_map", [])], ["ram", "reserved", "acpi", "acpi", "ram"])
eq("plan_pvh acpi rsdp", (pp.get("acpi") or {}).get("rsdp_paddr"), pp.get("hvm_start_info", {}).get("rsdp_paddr"))
rd_pfn = [x["pfn"] for x in pp.get("segments", []) if x["name"] == "initrd"] or [0]
eq("plan_pvh module", (pp.get("module") or {}).get("paddr"), "0x%x" % (rd_pfn[0] * 4096))
eq("run_pvh guest_type", docs.get("run_pvh", {}).get("guest_type"), "hvm-3.0-x86_64")
err("e_option", 1, "usage", "plan", "unknown option '--frob'")
err("e_command", 1, "usage", None, "unknown command 'frobnicate'")
err("e_nocommand", 1, "usage", None, "no command given")
err("e_noarg", 1, "usage", "check", "check needs a file argument")
err("e_build_args", 1, "usage", "build", "needs --domid")
err("e_number", 1, "usage", "plan", "bad size in MiB: 'lots'")
err("e_late", 1, "usage", "plan", "unexpected argument '--frob'")
err("e_devices", 2, "input", "run", "xbuild run does not set up devices: disk (line 6, 2 times); use --no-devices")
err("e_hv", 3, "hypervisor", "run", "pin_root")
err("e_signal", 143, "signal", "inspect", "interrupted by signal 15")
# The same fact, the same type: MFNs integers in plan, run and build.
for name in ("plan", "run", "build"):
    d = docs.get(name, {})
    si = d.get("start_info", d)
    for k in ("store_mfn", "console_mfn"):
        if type(si.get(k)) is not int:
            bad.append("%s: %s is %r, not an integer" % (name, k, si.get(k)))
p = docs.get("plan", {})
si = p.get("start_info", {})
seg = {s["name"]: s for s in p.get("segments", [])}
# MOD_START_PFN: mod_start is the initrd's pfn; INIT_P2M: first_p2m_pfn the p2m's.
eq("plan mod_start (pfn)", si.get("mod_start"), seg.get("initrd", {}).get("pfn"))
eq("plan first_p2m_pfn", si.get("first_p2m_pfn"), seg.get("p2m", {}).get("pfn"))
eq("plan initrd_format", p.get("initrd_format"), "gzip")
pc = docs.get("plan_classic", {})
segc = {s["name"]: s for s in pc.get("segments", [])}
eq("classic mod_start (address)", pc.get("start_info", {}).get("mod_start"),
   segc.get("initrd", {}).get("vstart"))
# Warnings: objects pointing at file, line and key.
w = {x["key"]: x for x in p.get("warnings", [])}
cfg = os.path.join(sys.argv[2], "full.cfg")
eq("warning devices", (w.get("devices", {}).get("file"), w.get("devices", {}).get("line")), (cfg, 6))
if "devices: disk (line 6, 2 times) (a toolstack" not in w.get("devices", {}).get("message", ""):
    bad.append("devices warning: %r" % w.get("devices"))
eq("run warnings", [x["key"] for x in docs.get("run", {}).get("warnings", [])], ["frobnicate", "devices"])
eq("build warnings (devices are its caller's)", [x["key"] for x in docs.get("build", {}).get("warnings", [])], ["frobnicate"])
# check --resolved: every key, its value and where it came from
r = {x["key"]: x for x in docs.get("check_resolved", {}).get("resolved", [])}
eq("resolved keys", list(r)[:4], ["name", "type", "memory", "maxmem"])
eq("resolved name", (r.get("name", {}).get("source"), r.get("name", {}).get("line"), r.get("name", {}).get("file")), ("file", 1, cfg))
eq("resolved memory", (r.get("memory", {}).get("value"), r.get("memory", {}).get("unit"), r.get("memory", {}).get("source"), r.get("memory", {}).get("arg")), (32, "MiB", "override", "memory=32"))
eq("resolved maxmem", (r.get("maxmem", {}).get("source"), r.get("maxmem", {}).get("via")), ("default", "= memory"))
eq("resolved cmdline", (r.get("cmdline", {}).get("value"), r.get("cmdline", {}).get("source"), r.get("cmdline", {}).get("arg")), ("quiet", "option", "--cmdline"))
eq("resolved ramdisk_decompress", r.get("ramdisk_decompress", {}).get("value"), True)
eq("resolved uuid", (r.get("uuid", {}).get("value"), r.get("uuid", {}).get("source")), (None, "default"))
eq("check without --resolved", "resolved" in docs.get("check", {}), False)
rx = {x["key"]: x for x in docs.get("check_resolved_xml", {}).get("resolved", [])}
eq("resolved xml maxmem", (rx.get("maxmem", {}).get("value"), rx.get("maxmem", {}).get("line")), (65, 3))
eq("warning frobnicate line", w.get("frobnicate", {}).get("line"), 8)
wx = {x["key"]: x for x in docs.get("plan_xml", {}).get("warnings", [])}
eq("xml warning keys", sorted(wx), ["<devices>", "<memory>"])
eq("xml <memory> line", wx.get("<memory>", {}).get("line"), 3)
eq("build without config: warnings", docs.get("build_nocfg", {}).get("warnings"), [])
eq("run_paused paused", docs.get("run_paused", {}).get("paused"), True)
# The kernel cache: off unless asked; a miss stores, the next run hits;
# a plain ELF is not cached.
eq("plan without a cache", "kernel_cache" in p, False)
kc = lambda n: docs.get(n, {}).get("kernel_cache", {})
eq("cache miss", (kc("plan_cache_miss").get("hit"), kc("plan_cache_miss").get("stored"), kc("plan_cache_miss").get("note")), (False, True, None))
eq("cache hit", (kc("plan_cache_hit").get("hit"), kc("plan_cache_hit").get("stored")), (True, False))
eq("cache entry", kc("plan_cache_hit").get("entry"), kc("plan_cache_miss").get("entry"))
eq("cache timing", "cache" in [t["phase"] for t in docs.get("plan_cache_hit", {}).get("timings", [])], True)
eq("cache elf", (kc("plan_cache_elf").get("hit"), kc("plan_cache_elf").get("entry"), kc("plan_cache_elf").get("note")), (False, None, "the kernel is not compressed"))
eq("cache run/build", (kc("run_cache").get("hit"), kc("build_cache").get("hit")), (True, True))
# run -F: the events in order, what they say.
eq("run -F events", [docs.get("fg%d" % i, {}).get("event") for i in range(1, 6)],
   [None, "shutdown", None, "shutdown", "exit"])
if not re.match(r"^classic-[0-9]{8}T[0-9]{4}Z$", docs.get("fg2", {}).get("renamed") or ""):
    bad.append("fg2: renamed %r" % docs.get("fg2", {}).get("renamed"))
eq("run -F exit", [docs.get("fg5", {}).get(k) for k in ("reason", "action", "exit_code", "restarts")],
   ["crash", "preserve", 6, 1])
eq("run -F vanish", [docs.get("fgvanish2", {}).get(k) for k in ("event", "reason", "action", "exit_code")],
   ["exit", "destroyed", None, 10])
eq("run -F signal", [docs.get("fgsig%d" % i, {}).get("event") for i in range(1, 4)], [None, "signal", "exit"])
eq("run -F timeout", [docs.get("fgsig3", {}).get(k) for k in ("reason", "action", "signal", "exit_code")],
   ["timeout", "destroy", 15, 11])
# Absent notes are null, never "".
n = docs.get("inspect_elf", {}).get("notes", {})
for k in ("pae_mode", "features", "init_p2m", "phys32_entry", "l1_mfn_valid"):
    if n.get(k, "missing") is not None:
        bad.append("inspect_elf: notes.%s is %r, not null" % (k, n.get(k)))
eq("inspect_elf hypercall_page", n.get("hypercall_page") is not None, True)
eq("inspect_elf kernel_version", docs.get("inspect_elf", {}).get("kernel_version"), None)
eq("inspect_elf compression_ratio", docs.get("inspect_elf", {}).get("compression_ratio"), 1.0)
eq("version xbuild", docs.get("version", {}).get("xbuild", "")[:1].isdigit(), True)
for b in bad: print("    " + b)
print("    %d documents checked" % len(docs)) if bad else None
sys.exit(1 if bad else 0)
PY
finish
