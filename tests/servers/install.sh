#!/usr/bin/env bash
# Installs, from Debian's packages, the servers the live-datastore tests
# start on 127.0.0.1 (tests/datastores/servers.rs): PostgreSQL and its
# client, Redis and redis-cli; and Chromium, in which the tests of
# `gonogo serve` open its pages (tests/serve.rs). Does nothing when they
# are there already.
# The tests start their own servers (temporary folders, free ports); no
# service the packages may start is used.
set -euo pipefail

need=()
compgen -G "/usr/lib/postgresql/*/bin/postgres" > /dev/null || need+=(postgresql)
command -v psql > /dev/null || need+=(postgresql-client)
command -v redis-server > /dev/null || need+=(redis-server)
command -v redis-cli > /dev/null || need+=(redis-tools)
command -v setpriv > /dev/null || need+=(util-linux)
command -v chromium > /dev/null || need+=(chromium)
[ "${#need[@]}" -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -ne 0 ] && sudo=(sudo)
echo "installing ${need[*]} for the datastore and dashboard tests" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null
