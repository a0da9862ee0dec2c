#!/bin/sh
# Healthy = the entrypoint's watch loop last found the mount answering (statfs reached the server) with
# smbd running; it exits when smbd does. Its word, not a probe of our own: every check is a process in
# the container (~38 ms of CPU for a probe here, most of it the engine's exec), and the loop probes anyway.
read -r state </run/sshmount/state 2>/dev/null && [ "$state" = ready ]
