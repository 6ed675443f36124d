#!/bin/sh
# Starts keepalived in the foreground of this exec (so its pid is known), logging to /lab/keepalived.log.
# A start while keepalived runs does nothing, as on a host where the service is already up.
if [ -f /run/lab-keepalived.pid ] && kill -0 "$(cat /run/lab-keepalived.pid)" 2>/dev/null; then exit 0; fi
rm -f /run/keepalived.pid /run/vrrp.pid /run/checkers.pid
echo $$ > /run/lab-keepalived.pid
# Without the kernel's IPVS (no /proc/net/ip_vs) keepalived's checker process cannot
# start and takes the VRRP side down with it: run the VRRP part alone. Where the
# lab's forwarder runs this director's load balancing (/lab/lvs.json), keepalived
# runs its VRRP part alone too, so that one table decides, whatever the kernel has.
set --
if [ ! -e /proc/net/ip_vs ] || [ -e /lab/lvs.json ]; then set -- --vrrp; fi
exec keepalived "$@" --dont-fork --log-console --log-detail -f /lab/keepalived.conf \
  -p /run/keepalived.pid -r /run/vrrp.pid -c /run/checkers.pid >> /lab/keepalived.log 2>&1
