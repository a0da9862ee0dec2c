#!/bin/bash
# Healthy = the sshfs mount answers (statfs reaches the server) and smbd accepts connections.
# /proc/mounts rather than mountpoint(1), which would itself hang on a stuck mount. A health check runs
# with the container's environment: SSHMOUNT_SMB_PORT is the helper's (helper/container/contract.ts).
grep -qs ' /mnt/remote fuse.sshfs ' /proc/mounts \
  && timeout 5 stat -f /mnt/remote >/dev/null 2>&1 \
  && (: <>"/dev/tcp/127.0.0.1/${SSHMOUNT_SMB_PORT:?}") 2>/dev/null
