#!/bin/bash
# Demo sshd: writes demo's authorized_keys from $AUTHORIZED_KEYS, keeps or makes the host key, runs sshd.
# Test variants: /etc/ssh/demo_password (password logins, DEMO_PASSWORD_PROMPT=keyboard-interactive to
# ask through PAM), DEMO_JUMP_HOST=yes (TCP forwarding), and a hostile server for the host-key tests:
# /etc/ssh/demo_banner (a login banner) and DEMO_OPEN_LOGIN=yes (anyone logs in as demo, no credentials).
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

options=()
# A login password arrives as a file (never in env or argv), and turns password logins on.
if [ -s /etc/ssh/demo_password ]; then
  printf 'demo:%s\n' "$(cat /etc/ssh/demo_password)" | chpasswd
  rm -f /etc/ssh/demo_password
  if [ "${DEMO_PASSWORD_PROMPT:-}" = keyboard-interactive ]; then
    # The way PAM-based servers ask: "(user@host) Password:" over keyboard-interactive.
    options+=(-o UsePAM=yes -o KbdInteractiveAuthentication=yes -o PasswordAuthentication=no)
  else
    options+=(-o PasswordAuthentication=yes)
  fi
fi
# A jump host must forward TCP (ssh -W / ProxyJump).
if [ "${DEMO_JUMP_HOST:-}" = yes ]; then
  options+=(-o AllowTcpForwarding=yes)
fi

if [ -s /etc/ssh/demo_banner ]; then
  options+=(-o Banner=/etc/ssh/demo_banner)
fi
# An empty password and PermitEmptyPasswords: ssh's "none" method logs in, even with every other one off.
if [ "${DEMO_OPEN_LOGIN:-}" = yes ]; then
  passwd -d demo >/dev/null
  options+=(-o PermitEmptyPasswords=yes -o PasswordAuthentication=yes)
fi

exec /usr/sbin/sshd -D -e -p "${SSHD_PORT:-22}" "${options[@]}"
