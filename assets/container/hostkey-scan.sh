#!/bin/bash
# Finds the first host of the connection whose key is not in $SSHMOUNT_INPUT_DIR/known_hosts and writes
# the key it presents, without logging in (every authentication method is off), to $SSHMOUNT_SCAN_RESULT
# (both set by the helper, helper/container/contract.ts):
#   hostkey BLOCK KNOWN_HOSTS_LINE
# The file is the only result: ssh's stderr carries text the server chose (banners, PAM, whatever a
# shell prints once in), so nothing read from the log may decide which key the user is asked to trust.
# Arguments: the config's Host blocks in connection order (hop1 … target). Each is reached through the
# ones before it with host-key checking on, so only the first unknown key can be scanned, and is.
# Exit codes: 0 key written, 1 none unknown or ssh failed otherwise (its lines follow as "ssh: …").
set -uo pipefail
readonly etc=${SSHMOUNT_INPUT_DIR:?} result=${SSHMOUNT_SCAN_RESULT:?}
scanned=$(mktemp)
errors=$(mktemp)
: >"$result"
for block; do
  ssh -F "$etc/ssh_config" -T \
    -o StrictHostKeyChecking=accept-new -o "UserKnownHostsFile=$scanned $etc/known_hosts" -o HashKnownHosts=no \
    -o BatchMode=yes -o IdentityAgent=none -o IdentitiesOnly=yes -o PubkeyAuthentication=no \
    -o PasswordAuthentication=no -o KbdInteractiveAuthentication=no -o HostbasedAuthentication=no \
    -o GSSAPIAuthentication=no \
    "$block" true </dev/null 2>"$errors"
  status=$?
  if [ -s "$scanned" ]; then
    printf 'hostkey %s %s\n' "$block" "$(head -n 1 "$scanned")" >"$result"
    exit 0
  fi
  # Known key: ssh got as far as asking for authentication, which was off, or a server let it in
  # without any. Try the next host.
  ((status == 0)) && continue
  grep -q 'Permission denied' "$errors" && continue
  sed 's/^/sshmount: ssh: /' "$errors"
  exit 1
done
printf 'sshmount: error: %s\n' "every host key of the connection is already known"
exit 1
