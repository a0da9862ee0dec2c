#!/bin/bash
# Healthy = the sshfs mount answers (statfs reaches the server) and smbd accepts connections.
# /proc/mounts rather than mountpoint(1), which would itself hang on a stuck mount.
grep -qs ' /mnt/remote fuse.sshfs ' /proc/mounts \
  && timeout 5 stat -f /mnt/remote >/dev/null 2>&1 \
  && (: <>/dev/tcp/127.0.0.1/445) 2>/dev/null
