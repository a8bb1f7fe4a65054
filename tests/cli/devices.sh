#!/bin/sh
# Devices, honestly: `run` sets up none, so it refuses (exit 2, before
# anything exists) a config naming any -- all of them in one message --
# unless --no-devices; `build` leaves them to its caller and says nothing;
# check and plan warn once.  libvirt's elements that every dumpxml has and
# that mean nothing to a PV builder draw no warning; its real devices
# count.  run on the simulated backend of the test binary.
. "$(dirname "$0")/lib.sh"
kernel "$T/vmlinuz" --linux --bzimage gzip
X=$XBUILD_TEST
cat >"$T/d.cfg" <<CFG
name = "d"
memory = 64
kernel = "$T/vmlinuz"
vfb = [ ]
disk = [ "phy:/dev/vg/d,xvda,w" ]
vif = [ "" ]
pci = [ "01:00.0" ]
vnc = 1
CFG
refused='xbuild: @T@/d.cfg: xbuild run does not set up devices: disk (line 5), vif (line 6), pci (line 7); use --no-devices to start the guest without them, or let a toolstack run `xbuild build`'
warned="xbuild: warning: @T@/d.cfg:5: xbuild does not set up devices: disk (line 5), vif (line 6), pci (line 7) (a toolstack's job; xbuild run refuses them without --no-devices)"
expect 2 "$refused" -- "$X" run --backend sim "$T/d.cfg"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "run: not one message: $(cat "$T/err")"
[ -s "$T/out" ] && fail "run printed a domid: $(cat "$T/out")"
expect 0 "xbuild: warning: @T@/d.cfg:5: xbuild does not set up devices: disk (line 5), vif (line 6), pci (line 7); the guest starts without them (--no-devices)" -- \
	"$X" run --backend sim --no-devices "$T/d.cfg"
has_line "$T/err" "xbuild: warning: @T@/d.cfg:8: key 'vnc' is not acted on by xbuild" || fail "vnc: $(cat "$T/err")"
grep -qx 1 "$T/out" || fail "run --no-devices: no domid: $(cat "$T/out")"
expect 0 "" -- "$X" build --backend sim --domid 3 --store-evtchn 1 --console-evtchn 2 "$T/d.cfg" -q
expect 0 "xbuild: warning: @T@/d.cfg:8: key 'vnc' is not acted on by xbuild" -- \
	"$X" build --backend sim --domid 3 --store-evtchn 1 --console-evtchn 2 "$T/d.cfg"
grep -q "devices" "$T/err" && fail "build warned about devices: $(cat "$T/err")"
expect 0 "$warned" -- "$XBUILD" check "$T/d.cfg"
[ "$(grep -c devices "$T/err")" -eq 1 ] || fail "check: not one device warning: $(cat "$T/err")"
expect 0 "$warned" -- "$XBUILD" plan "$T/d.cfg"
# an override naming a device counts; one that empties the list does not
expect 2 "xbuild: @T@/d.cfg: xbuild run does not set up devices: disk (line 5), vif (line 6), pci (line 7), vtpm (command line: vtpm=['backend=0']); use --no-devices @*@" -- \
	"$X" run --backend sim "$T/d.cfg" "vtpm=['backend=0']"
# run --json: the refusal is the error document
expect 2 "" -- "$X" run --backend sim --json "$T/d.cfg"
python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["error"]; sys.exit(0 if e["code"]==2 and "disk (line 5), vif (line 6), pci (line 7)" in e["message"] else 1)' "$T/out" ||
	fail "run --json refusal: $(cat "$T/out")"

# libvirt XML as virsh dumpxml writes it for a Xen PV guest
cat >"$T/d.xml" <<XML
<domain type='xen' id='7'>
  <name>d</name>
  <memory unit='KiB'>65536</memory>
  <vcpu placement='static'>1</vcpu>
  <os><type arch='x86_64' machine='xenpv'>linux</type><kernel>$T/vmlinuz</kernel></os>
  <clock offset='utc' adjustment='reset'/>
  <features><pae/></features>
  <resource><partition>/machine</partition></resource>
  <seclabel type='none' model='none'/>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <emulator>/usr/lib/xen/bin/qemu-system-i386</emulator>
    <controller type='xenbus' index='0'/>
    <console type='pty'><target type='xen' port='0'/></console>
    <serial type='pty'><target port='0'/></serial>
    <input type='mouse' bus='xen'/>
    <input type='keyboard' bus='xen'/>
    <video><model type='xen' vram='16384' heads='1' primary='yes'/></video>
    <memballoon model='xen'/>
  </devices>
</domain>
XML
expect 0 "" -- "$XBUILD" check "$T/d.xml"
[ -s "$T/err" ] && fail "dumpxml's elements warned about: $(cat "$T/err")"
expect 0 "" -- "$X" run --backend sim "$T/d.xml"
sed -i "s|<memballoon model='xen'/>|<disk type='file' device='disk'/>\n    <interface type='bridge'/>\n    <graphics type='vnc'/>\n    <hostdev mode='subsystem' type='pci'/>|" "$T/d.xml"
expect 2 'xbuild: @T@/d.xml: xbuild run does not set up devices: <disk> (line 19), <interface> (line 20), <graphics> (line 21), <hostdev> (line 22); use --no-devices @*@' -- \
	"$X" run --backend sim "$T/d.xml"
expect 0 "xbuild: warning: @T@/d.xml:19: xbuild does not set up devices: <disk> (line 19), <interface> (line 20), <graphics> (line 21), <hostdev> (line 22) (a toolstack's job; xbuild run refuses them without --no-devices)" -- \
	"$XBUILD" check "$T/d.xml"
finish
