#!/bin/sh
# keepalived's notify FIFO reader in a lab node (vrrp_notify_fifo_script): keeps
# the priority changes keepalived reports with notify_priority_changes, which the
# notify hook never sees (it runs on state transitions only), as
#   <CLOCK_REALTIME seconds> prio <node> <instance> <priority>
# keepalived writes lines such as: INSTANCE "VI_1" MASTER_PRIORITY 110
while IFS= read -r line; do
  set -- $line
  case "$1 $3" in
    "INSTANCE MASTER_PRIORITY"|"INSTANCE BACKUP_PRIORITY")
      name=$(printf '%s' "$2" | tr -d '"')
      echo "$(date +%s.%N) prio ${LAB_NODE:-node} $name $4" >> /lab/events.log ;;
  esac
done < "$1"
