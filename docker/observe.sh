#!/bin/sh
# Streams what a lab node observes, one line each, with CLOCK_REALTIME seconds:
#   <t> notify <node> <instance> <state> <priority>     (from notify.sh)
#   <t> addr <ip -o monitor line>                        (IPv4 addresses added / "Deleted")
# Both go through /lab/events.log so the whole story can also be read back at the end.
touch /lab/events.log
ip -o -4 monitor address | while IFS= read -r line; do
  echo "$(date +%s.%N) addr $line" >> /lab/events.log
done &
echo "$(date +%s.%N) ready" >> /lab/events.log
exec tail -n +1 -F /lab/events.log 2>/dev/null
