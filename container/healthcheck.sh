#!/bin/bash
# Healthy = the sshfs mount answers (statfs reaches the server) and smbd accepts connections.
mountpoint -q /mnt/remote \
  && timeout -s KILL 5 stat -f /mnt/remote >/dev/null \
  && (: <>/dev/tcp/127.0.0.1/445) 2>/dev/null
