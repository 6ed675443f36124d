#!/bin/sh
# The lab's command channel into a node: one exec that stays open, so a command
# runs a pipe write after the lab decides it, not an exec round trip later.
# Each input line is "ID MODE SCRIPT-IN-BASE64":
#   bg  run the script in the background, output discarded (long-running processes)
#   fg  run it, then answer "ID EXIT-STATUS STDOUT-BASE64 STDERR-BASE64" on stdout
# Commands are taken in order; a fg command holds the ones after it until it ends.
mkdir -p /run/lab-control
while IFS=' ' read -r id mode b64; do
  f=/run/lab-control/$id
  printf '%s' "$b64" | base64 -d > "$f.sh"
  case "$mode" in
    bg)
      (sh "$f.sh"; rm -f "$f.sh") </dev/null >/dev/null 2>&1 &
      ;;
    fg)
      sh "$f.sh" </dev/null >"$f.out" 2>"$f.err"
      rc=$?
      printf '%s %s %s %s\n' "$id" "$rc" "$(base64 -w0 < "$f.out")" "$(base64 -w0 < "$f.err")"
      rm -f "$f.sh" "$f.out" "$f.err"
      ;;
  esac
done
