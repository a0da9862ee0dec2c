#!/bin/bash
# ssh runs this for every prompt (SSH_ASKPASS_REQUIRE=force, set by the entrypoint for password logins).
# It answers only the target's password prompt, from a root-only file; any other prompt (a one-time
# code, a jump host's password, a key passphrase) is refused with a line the helper recognises.
# SSHMOUNT_INPUT_DIR comes down from the entrypoint's environment, through sshfs and ssh.
set -uo pipefail
readonly etc=${SSHMOUNT_INPUT_DIR:?}
prompt=${1:-}
expected=$(cat "$etc/ssh_password_for" 2>/dev/null)
shopt -s nocasematch
if [ -n "$expected" ] && [[ $prompt == *"$expected"* && $prompt == *password* ]]; then
  cat "$etc/ssh_password"
  exit 0
fi
printf 'sshmount-askpass: refused prompt: %s\n' "$prompt" >&2
exit 1
