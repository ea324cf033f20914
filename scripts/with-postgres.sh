#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh COMMAND [ARG...]
#
# Starts a throwaway PostgreSQL cluster in a temporary directory, runs COMMAND with
# DATABASE_URL (and PGHOST/PGPORT/PGUSER/PGDATABASE) pointing at it, then stops the server and
# deletes the directory, also when COMMAND fails or on Ctrl-C. Exits with COMMAND's status.
#
# The variables are set for COMMAND, not for your shell, so quote anything that uses them:
#     scripts/with-postgres.sh bash -c 'psql "$DATABASE_URL" -c "select 1"'
#     scripts/with-postgres.sh .venv/bin/pytest
#
# Needs the PostgreSQL server binaries (initdb, pg_ctl): on PATH, or else the newest
# /usr/lib/postgresql/*/bin (Debian's layout). initdb refuses to run as root, so as root the
# cluster runs as the `postgres` user.
set -euo pipefail

say() { echo "with-postgres: $*" >&2; }

if [ "$#" -eq 0 ]; then
    say "usage: $0 COMMAND [ARG...]"
    exit 2
fi

# --- find the server binaries ----------------------------------------------------------------
pg_bin=""
if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    initdb=$(command -v initdb)
    pg_ctl=$(command -v pg_ctl)
else
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            pg_bin=$dir
        fi
    done
    if [ -z "$pg_bin" ]; then
        say "cannot find the PostgreSQL server programs initdb and pg_ctl."
        say "Put them on PATH, or install them (Debian: apt-get install postgresql)."
        exit 1
    fi
    initdb=$pg_bin/initdb
    pg_ctl=$pg_bin/pg_ctl
fi

# --- run the server programs as a user allowed to run them -----------------------------------
if [ "$(id -u)" = 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        say "running as root, but there is no 'postgres' user to run the server as."
        exit 1
    fi
    # cd into the cluster's directory first: postgres may not be allowed into root's cwd.
    as_pg() { (cd "$d" && runuser -u postgres -- "$@"); }
else
    as_pg() { (cd "$d" && "$@"); }
fi

# --- temp dir, cleanup -----------------------------------------------------------------------
d=$(mktemp -d "${TMPDIR:-/tmp}/zhibu-pg.XXXXXX")
started=0

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ "$started" = 1 ]; then
        as_pg "$pg_ctl" -D "$d/data" -m fast -w stop >/dev/null 2>&1 \
            || say "warning: could not stop PostgreSQL cleanly (pg_ctl stop failed)"
    fi
    rm -rf "$d"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$(id -u)" = 0 ]; then
    chown postgres "$d"
fi

# A free TCP port on the loopback interface (the kernel picks one; tiny race, fine for tests).
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# --- initdb ----------------------------------------------------------------------------------
# Locale: our code must work under a real locale, not only under C's byte order, so prefer one:
#   1. en_US.UTF-8 if the OS has it (a common production setting);
#   2. else ICU's en-US collation (PostgreSQL >= 15 built with ICU; needs no OS locale) with
#      C.UTF-8 for the character classes;
#   3. else plain C.UTF-8, or --no-locale if even that is missing.
# In every case the encoding is UTF8, as in production.
have_locale() { locale -a 2>/dev/null | tr '[:upper:]' '[:lower:]' | grep -qx "$1"; }

initdb_try() {
    rm -rf "$d/data"
    as_pg "$initdb" -D "$d/data" -A trust -U zhibu -E UTF8 "$@" >"$d/initdb.log" 2>&1
}

if have_locale 'en_us.utf8' || have_locale 'en_us.utf-8'; then
    initdb_try --locale=en_US.UTF-8 && locale_used=en_US.UTF-8
elif have_locale 'c.utf8' || have_locale 'c.utf-8'; then
    if initdb_try --locale=C.UTF-8 --locale-provider=icu --icu-locale=en-US; then
        locale_used="ICU en-US (ctype C.UTF-8)"
    else
        initdb_try --locale=C.UTF-8 && locale_used=C.UTF-8
    fi
else
    initdb_try --no-locale && locale_used=C
fi || {
    say "initdb failed:"
    cat "$d/initdb.log" >&2
    exit 1
}

# --- start -----------------------------------------------------------------------------------
# fsync, synchronous_commit and full_page_writes are off: this cluster is thrown away after the
# run, so crash safety buys nothing and the tests run faster.
started=1
if ! as_pg "$pg_ctl" -D "$d/data" -l "$d/log" -w \
    -o "-p $port -k $d -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null; then
    say "PostgreSQL failed to start; server log:"
    cat "$d/log" >&2 || true
    # After a start timeout the server may still be coming up: stop it, quietly.
    as_pg "$pg_ctl" -D "$d/data" -m immediate -w stop >/dev/null 2>&1 || true
    started=0
    exit 1
fi

export DATABASE_URL="postgres://zhibu@127.0.0.1:$port/postgres"
export PGHOST=127.0.0.1 PGPORT=$port PGUSER=zhibu PGDATABASE=postgres
say "PostgreSQL $("$pg_ctl" --version | awk '{print $3}') ($locale_used) at $DATABASE_URL"

# --- run the command -------------------------------------------------------------------------
# In the foreground, so Ctrl-C and the terminal reach it. (A SIGTERM sent to this script alone
# is handled when COMMAND ends; signal the whole process group to stop both at once.)
status=0
"$@" || status=$?
exit "$status"
