# Shared by scripts/test and scripts/postgres-dev: a throw-away PostgreSQL cluster on loopback, from Debian's
# packages, owned by the `postgres` system user, in a directory of our choosing. Source it, then call
# postgres_start DIR PORT and postgres_stop DIR.

postgres_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$dir" ]; then
        echo "installing PostgreSQL from Debian's packages" >&2
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    fi
    echo "$dir"
}

# Runs a command as the cluster's owner (PostgreSQL refuses to run as root).
postgres_as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# postgres_start DIR PORT: creates a cluster in DIR (if new) and starts it on 127.0.0.1:PORT (if not running), durable
# (fsync and synchronous_commit on), with a superuser boxoffice/boxoffice and a database boxoffice.
postgres_start() {
    local dir=$1 port=$2 bin
    bin=$(postgres_bin)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        postgres_as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
    fi
    if postgres_as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        return 0
    fi
    postgres_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c max_connections=1000" start >/dev/null
    "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qtAc \
        "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'boxoffice') THEN CREATE ROLE boxoffice LOGIN SUPERUSER PASSWORD 'boxoffice'; END IF; END \$\$;" >/dev/null
    if [ -z "$("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qtAc "SELECT 1 FROM pg_database WHERE datname = 'boxoffice'")" ]; then
        "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qtAc "CREATE DATABASE boxoffice OWNER boxoffice" >/dev/null
    fi
}

# postgres_stop DIR: stops the cluster in DIR, if it runs.
postgres_stop() {
    local dir=$1 bin
    bin=$(postgres_bin)
    [ -f "$dir/data/postmaster.pid" ] && postgres_as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1
    return 0
}

# A free TCP port on loopback.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
