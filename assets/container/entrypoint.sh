#!/bin/bash
# Mounts $SSHMOUNT_SSH_HOST:$SSHMOUNT_REMOTE_PATH with sshfs at /mnt/remote and serves it over SMB as $SSHMOUNT_SHARE.
#
# Inputs: the environment and the files the helper copies in before start (root-owned, 0600). Every
# value both sides must agree on comes from helper/container/contract.ts, in this environment:
#   SSHMOUNT_INPUT_DIR          the folder of the input files:
#     ssh_config                OpenSSH client config with a "Host $SSHMOUNT_SSH_HOST" block; the only config used
#     smb_password              password of SMB user "sshmount"; goes to smbpasswd on stdin only
#     ssh_password, ssh_password_for  (optional) the target's login password and the user@host its
#                               prompt names, for sshmount-askpass
#   SSHMOUNT_SSH_HOST           the target's Host block in ssh_config
#   SSHMOUNT_LOGGED_IN          what ssh prints on stderr once logged in (the config's LocalCommand)
#   SSHMOUNT_SMB_PORT           the port smbd serves, published by the helper
#   SSHMOUNT_SHARE              share name, ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$
#   SSHMOUNT_REMOTE_PATH        remote directory; empty means the remote home
#   SSHMOUNT_RUNTIME            the engine's product as the helper detected it (orbstack, linux…)
#   SSHMOUNT_METADATA           where resource forks live: mac (this container, for as long as sshfs
#                               runs) or server ("._" AppleDouble files); empty (older helpers) is mac
#
# Output: every line this script prints starts with "sshmount: " and the helper parses them:
#   connecting (once per start) | ssh: <stderr line of ssh/sshfs> | ready | reconnecting |
#   stopped[: <reason>] | error: <summary>
# Exit codes: 0 stopped by SIGTERM/SIGINT or because its creator went away, 1 mount or smbd failed,
# 2 invalid input.
#
# The creating helper holds the container's stdin (OpenStdin, StdinOnce) until the mount is complete;
# the engine closes it when the helper's process dies. So on a first run, EOF on stdin before "ready"
# means nobody will ever list or finish this mount: it stops instead of serving, and the helper's next
# list removes it. A restarted container keeps the marker of its first "ready" and never watches.
set -uo pipefail

readonly mnt=/mnt/remote
readonly run=/run/sshmount
readonly connect_timeout=25
readonly committed=/var/lib/sshmount/committed
# uid/gid: every file appears as user sshmount, whom smbd serves. noforget: inode numbers stay stable
# for the life of the mount (xattr_tdb keys Mac metadata on them, Macs cache files by them). libfuse
# numbers a file only while the kernel knows it (SFTP has no inode numbers to give), so without it a
# file the kernel evicts (idle, under memory pressure) comes back numbered afresh and loses its tags,
# forks and ACL; never to another file, numbers are not reused within a run (2^32 of them). Its cost:
# ~0.5 KiB per entry ever looked up, held until sshfs stops (a walk of 100 000 entries: sshfs 3 → 53
# MiB; the kernel's ~110 MiB for the same walk is cache it reclaims under pressure).
# max_read=65536: SFTP reads of 64 KiB instead of 32 KiB; sshfs-direct reads of 256 MiB went from
# 272 to 412 MiB/s (median of 3, 2 cores); 128 KiB and 256 KiB measured lower (323, 368).
# auto_cache: the kernel keeps file pages across opens and drops them when the size or mtime it sees
# changes, so re-reading an unchanged file is served from memory (chain re-read 308 → 883 MiB/s).
# Measured and not taken: direct_io with 1 MiB reads lets smbd's parallel reads past the page cache's
# ~128 KiB read-ahead (first read at 80 ms RTT 4.3–5.0 → 7.5–9.1 MiB/s, 0.89× sftp get; the same at
# 20 ms and on the fast link), but then every re-read crosses the network again (fast link 594 → 201
# MiB/s, 80 ms 30 → 9 MiB/s): a loss for anything opened twice (Quick Look, then the app).
# dcache_dir_timeout=2: how long sshfs trusts a folder's listing (its default is 20 s). A listing it
# fetches again also refreshes every entry's size and times, so a change on the server shows in the
# share's listings once it expires plus the kernel's 1 s: measured 0.3–3.0 s (test/e2e/freshness.test.ts),
# 20.5–21.4 s with the default. The price is a round trip for a folder listed over 2 s before.
# Attributes keep sshfs's 20 s (a file opened without being listed again may look unchanged that long):
# the kernel re-checks a file's attributes each second while reading it, and at 2 s for attributes
# too each check would be an SFTP stat queued behind the read's own data. Fast-link first reads, one
# run each (noisy: sshfs directly moved 135–176 MiB/s between them): 132 MiB/s with all of sshfs's
# cache at 2 s, 198 with none at 2 s, 140 with this.
# The ssh settings (keep-alive, ciphers, compression) are ssh_config's, which sshfs runs ssh with.
readonly sshfs_opts=allow_other,reconnect,idmap=user,uid=1000,gid=1000,noforget,max_read=65536,auto_cache,dcache_dir_timeout=2

say() { printf 'sshmount: %s\n' "$*"; }
invalid() { say "error: $*"; exit 2; }

readonly etc=${SSHMOUNT_INPUT_DIR:-} smb_port=${SSHMOUNT_SMB_PORT:-}
readonly ssh_host=${SSHMOUNT_SSH_HOST:-} logged_in=${SSHMOUNT_LOGGED_IN:-}
[[ $etc == /* ]] || invalid "SSHMOUNT_INPUT_DIR must be an absolute path, got '$etc'"
[[ $smb_port =~ ^[0-9]{1,5}$ ]] || invalid "SSHMOUNT_SMB_PORT must be a port number, got '$smb_port'"
[[ $ssh_host =~ ^[A-Za-z0-9_-]+$ ]] || invalid "SSHMOUNT_SSH_HOST must name a Host block, got '$ssh_host'"
[ -n "$logged_in" ] || invalid "SSHMOUNT_LOGGED_IN is empty"
case ${SSHMOUNT_METADATA:-mac} in
  mac) resource=stream ;;
  server) resource=file ;;
  *) invalid "SSHMOUNT_METADATA must be mac or server, got '$SSHMOUNT_METADATA'" ;;
esac

share=${SSHMOUNT_SHARE:-}
share_re='^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'
[[ $share =~ $share_re ]] || invalid "SSHMOUNT_SHARE must match $share_re, got '$share'"
# Samba gives these section names a special meaning; a share by that name would not be served.
case ${share,,} in global | homes | printers) invalid "SSHMOUNT_SHARE '$share' is reserved by Samba" ;; esac
[ -s "$etc/ssh_config" ] || invalid "missing $etc/ssh_config"
[ -s "$etc/smb_password" ] || invalid "missing $etc/smb_password"

smbd_pid='' sshfs_pid='' relay_pid=''

# A restarted container's stdin is a pipe that stays open (the engine holds it); children never read it.
watch_creator=0
if [ -p /dev/stdin ] && [ ! -e "$committed" ]; then
  watch_creator=1
  exec 3<&0
fi
exec 0</dev/null

# On a first run, waits up to $1 s for EOF on the creator's stdin.
creator_gone() {
  ((watch_creator)) || return 1
  local status=0
  read -r -t "$1" -u 3 _ || status=$?
  # 0: a line (the helper sends none); above 128: timed out; else EOF.
  ((status != 0 && status <= 128))
}
orphaned() { stop "the process that created this mount went away before it was ready"; }

# Waits $1 s; on a first run stops as soon as the creator is gone.
idle() {
  if ((watch_creator)); then
    ! creator_gone "$1" || orphaned
  else
    sleep "$1"
  fi
}

# Background processes are watched by pid and disowned, so bash never adds a "Killed" line of its own.
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

# /proc/mounts, not mountpoint(1): stat on a mount whose connection hangs would hang too.
mounted() { grep -qs " $mnt fuse.sshfs " /proc/mounts; }

# statfs travels through sshfs to the server. While ssh is still connecting the call waits in the
# kernel, where timeout's SIGTERM cancels it (-s KILL would also kill timeout: bash prints "Killed").
mount_answers() { mounted && timeout 2 stat -f "$mnt" >/dev/null 2>&1; }

smbd_listens() { (: <>"/dev/tcp/127.0.0.1/$smb_port") 2>/dev/null; }

# Prefixes each stderr line of sshfs (and the ssh it runs); keeps the likely cause for the error summary.
relay_ssh_stderr() {
  local line
  while IFS= read -r line; do
    line=${line%$'\r'}
    [ -n "$line" ] || continue
    say "ssh: $line"
    # Wakes the watch loop: ssh speaks when the connection drops or comes back, so it asks at once.
    printf 'ssh\n' >&4
    # sshfs's own "read: ..." merely follows the cause when ssh exits; $logged_in is the config's
    # LocalCommand marker (helper/ssh/container-config.ts), no cause either.
    case $line in
      'read: '* | 'remote host has disconnected' | "$logged_in") ;;
      *) printf '%s\n' "$line" >"$run/cause" ;;
    esac
  done
}

start_sshfs() {
  rm -f "$run/cause" "$run/ssh_stderr"
  # xattr_tdb keys Mac metadata on (device, inode). Every sshfs start numbers inodes afresh and may get
  # the last one's device number, so entries kept from an earlier sshfs (a container start, or one
  # after sshfs died) would attach to unrelated files. smbd opens the file at each tree connect.
  rm -f /var/lib/sshmount/xattr.tdb
  # A fifo rather than a pipe, so both ends have their own pid: sshfs to watch, the relay to drain.
  mkfifo "$run/ssh_stderr"
  relay_ssh_stderr <"$run/ssh_stderr" &
  relay_pid=$!
  disown
  sshfs -f -F "$etc/ssh_config" -o "$sshfs_opts" "$ssh_host:${SSHMOUNT_REMOTE_PATH:-}" "$mnt" 2>"$run/ssh_stderr" 4>&- &
  sshfs_pid=$!
  disown
}

# Waits until the mount answers and smbd listens. 0: ready; 1: sshfs exited; 2: timed out (sshfs killed).
await_ready() {
  local deadline=$((SECONDS + connect_timeout))
  while alive "$sshfs_pid"; do
    alive "$smbd_pid" || fail "smbd exited"
    if mount_answers && smbd_listens; then return 0; fi
    if ((SECONDS >= deadline)); then
      # ssh may sit in connect() for long; killing the relay makes its next write fail instead.
      terminate "$sshfs_pid" "$relay_pid"
      return 2
    fi
    idle 0.2
  done
  # The relay ends once sshfs and ssh have closed stderr, i.e. every line has been printed.
  wait_gone "$relay_pid"
  return 1
}

failure_summary() {
  case $1 in
    2) echo "no answer from the server within ${connect_timeout}s" ;;
    *) echo "mount failed: $(cat "$run/cause" 2>/dev/null || echo "sshfs exited")" ;;
  esac
}

unmount() { fusermount3 -u "$mnt" 2>/dev/null || fusermount3 -uz "$mnt" 2>/dev/null; }

# kill without the race of "alive && kill": a process may end between the two (bash then prints
# "No such process" into the log the helper parses).
terminate() {
  local pid
  for pid; do [ -n "$pid" ] && kill "$pid" 2>/dev/null; done
  return 0
}

any_alive() {
  local pid
  for pid; do alive "$pid" && return 0; done
  return 1
}

# Waits up to 1 s for the given processes to end; stragglers die with the container.
wait_gone() {
  local tries=10
  while any_alive "$@" && ((tries-- > 0)); do sleep 0.1; done
}

stop() {
  trap '' TERM INT
  terminate "$smbd_pid"
  wait_gone "$smbd_pid"
  unmount
  terminate "$sshfs_pid"
  wait_gone "$sshfs_pid" "$relay_pid"
  say "stopped${1:+: $1}"
  exit 0
}

fail() {
  # A creator that went away first would never see this error or remove the container.
  ! creator_gone 0.01 || orphaned
  say "error: $*"
  terminate "$smbd_pid"
  unmount
  exit 1
}

# Who may connect to smbd: this machine's ends of the Docker network, never another host. Docker lets a
# host that routes through this machine reach a container's published port directly (before Engine 28
# always, since then with gateway_mode_ipv4=nat-unprotected), so the share checks the source itself.
# The engine's gateway is where the host, a published port's proxy and docker-mac-net-connect's
# masquerade come from; OrbStack gives the Mac the subnet's last usable address, which elsewhere is
# just another container's.
ipv4_of_route_hex() {
  local h=$1
  echo $(((0x${h:6:2} << 24) | (0x${h:4:2} << 16) | (0x${h:2:2} << 8) | 0x${h:0:2}))
}
dotted() { printf '%d.%d.%d.%d' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)); }
allowed_hosts() {
  local iface destination gateway_hex mask gateway='' last=''
  while read -r iface destination gateway_hex _ _ _ _ mask _; do
    [ "$iface" = Iface ] && continue
    if [ "$destination" = 00000000 ]; then
      gateway=$(dotted "$(ipv4_of_route_hex "$gateway_hex")")
    else
      local network netmask
      network=$(ipv4_of_route_hex "$destination") netmask=$(ipv4_of_route_hex "$mask")
      last=$(dotted $(((network | (~netmask & 0xffffffff)) - 1)))
    fi
  done </proc/net/route
  [ -n "$gateway" ] && [ -n "$last" ] || return 1
  [ "${SSHMOUNT_RUNTIME:-}" = orbstack ] || last=''
  echo "127.0.0.1 $gateway${last:+ $last}"
}

trap stop TERM INT
mkdir -p "$run"
# The watch loop's clock and doorbell: read -t on a fifo nobody else holds waits like sleep, as a builtin
# (no process each round) that a signal's trap still interrupts, and the ssh relay can ring it.
mkfifo "$run/wake"
exec 4<>"$run/wake"
# ssh asks the askpass program instead of a terminal; it answers the target's password prompt only.
if [ -s "$etc/ssh_password" ]; then
  export SSH_ASKPASS=/usr/local/bin/sshmount-askpass SSH_ASKPASS_REQUIRE=force
fi
allow=$(allowed_hosts) || invalid "cannot read the container's network from /proc/net/route"
sed -e "s/@SHARE@/$share/" -e "s/@ALLOW@/$allow/" -e "s/@PORT@/$smb_port/" -e "s/@RESOURCE@/$resource/" /usr/local/share/sshmount/smb.conf.template >/etc/samba/smb.conf

# sshfs first: the connection is the slow part, and smbd starts while it is under way.
# "connecting" marks a container start (the helper counts them); retries after "reconnecting" don't print it.
say connecting
start_sshfs

# smbpasswd -a also resets the password of an existing user, so a restarted container just works.
IFS= read -r password <"$etc/smb_password" || true
out=$(printf '%s\n%s\n' "$password" "$password" | smbpasswd -s -a sshmount 2>&1) ||
  fail "smbpasswd could not set the SMB password: ${out//$'\n'/ }"
unset password

# smbd kills its whole process group when it exits, so it must have its own (no --no-process-group).
smbd --foreground --debug-stdout 4>&- &
smbd_pid=$!
disown

await_ready
status=$?
((status == 0)) || fail "$(failure_summary "$status")"
# A fast server can be ready before the first idle: look once more. Then the marker: once "ready" is
# out, the helper's own closing of stdin is no longer EOF before it.
! creator_gone 0.01 || orphaned
: >"$committed"
((watch_creator)) && exec 3<&-
watch_creator=0
say ready

# sshfs reconnects ssh by itself ("reconnect") when a request needs the server; this loop makes one
# such request (statfs) at a time, so the mount comes back without a client asking and the log says
# "reconnecting" while the server does not answer. It also covers sshfs itself dying.
# The probe is never killed: once sshfs has read a request, the kernel waits for its answer however
# the caller is signalled (until ServerAlive gives up, ≤ 15 s). It counts as unanswered after 5 s, so
# a statfs queued behind a big transfer on a slow link is not mistaken for a dead server.
# Idle cost: each probe is a process (~4 ms of CPU here), so while the mount is ready it asks every
# 10 s, or at once when ssh says something (a dropped connection); every 2 s while it is not ready.
# The loop itself runs builtins only. A dead server shows as reconnecting within 15 s, as ServerAlive.
# $run/state holds the last word for the health check.
state=ready probe_pid='' probe_started=0 next_probe=$((SECONDS + 10))
set_state() {
  [ "$state" = "$1" ] || say "$1"
  state=$1
  printf '%s\n' "$1" >"$run/state"
}
set_state ready
# Waits up to $1 s; 0 when the ssh relay rang first (every ring waiting is taken at once).
pause() {
  read -r -t "$1" -u 4 _ || return 1
  while read -r -t 0 -u 4 && read -r -u 4 _; do :; done
  return 0
}
while :; do
  rang=0
  pause 2 && rang=1
  alive "$smbd_pid" || fail "smbd exited"
  if ! alive "$sshfs_pid"; then
    set_state reconnecting
    until
      fusermount3 -uz "$mnt" 2>/dev/null
      start_sshfs
      await_ready
    do
      pause 2
    done
    set_state ready
    continue
  fi
  if [ -n "$probe_pid" ] && ! alive "$probe_pid"; then
    if wait "$probe_pid"; then set_state ready; else set_state reconnecting; fi
    probe_pid=''
  elif [ -n "$probe_pid" ] && ((SECONDS - probe_started >= 5)); then
    set_state reconnecting
  fi
  if [ -z "$probe_pid" ] && { [ "$state" != ready ] || ((rang || SECONDS >= next_probe)); }; then
    stat -f "$mnt" >/dev/null 2>&1 4>&- &
    probe_pid=$! probe_started=$SECONDS next_probe=$((SECONDS + 10))
  fi
done
