#!/bin/bash
# Demo sshd: writes demo's authorized_keys from $AUTHORIZED_KEYS, keeps or makes the host key, runs sshd.
set -euo pipefail

key=/etc/ssh/ssh_host_ed25519_key
if [ ! -s "$key" ]; then
  ssh-keygen -q -t ed25519 -N '' -f "$key"
fi
# sshd refuses a host key that others can read, whatever mode it was copied in with.
chown root:root "$key"
chmod 0600 "$key"

install -d -o demo -g demo -m 0700 /home/demo/.ssh
printf '%s\n' "${AUTHORIZED_KEYS:-}" > /home/demo/.ssh/authorized_keys
chown demo:demo /home/demo/.ssh/authorized_keys
chmod 0600 /home/demo/.ssh/authorized_keys

exec /usr/sbin/sshd -D -e -p "${SSHD_PORT:-22}"
