#!/bin/sh
# PID 1 of a lab node: waits (reaping orphans) until the container is stopped.
# keepalived and the observers are started by the lab through `docker exec`.
trap 'exit 0' TERM INT
mkdir -p /lab/scripts
while :; do sleep 3600 & wait $!; done
