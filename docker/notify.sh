#!/bin/sh
# keepalived's notify hook in a lab node: one line per instance transition,
#   <CLOCK_REALTIME seconds> notify <node> <instance> <state> <priority>
# keepalived calls it as: notify.sh INSTANCE|GROUP NAME STATE PRIORITY.
# Containers share the host's kernel clock, so the host reads these times on its own clock.
[ "$1" = INSTANCE ] || exit 0
echo "$(date +%s.%N) notify ${LAB_NODE:-node} $2 $3 ${4:-0}" >> /lab/events.log
