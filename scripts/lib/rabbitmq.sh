# A throw-away RabbitMQ node for tests. Source this file, then:
#   rabbitmq_start DIR PORT   starts a node with its data in DIR, listening on 127.0.0.1:PORT, with user
#                             boxoffice/boxoffice on vhost /; creates DIR if new; does nothing if it already runs
#   rabbitmq_stop DIR         stops that node (kills it if it does not stop); returns 0 if it was not running
#   rabbitmq_ctl DIR ARGS...  runs rabbitmqctl against that node
# Run as root: Debian's scripts switch to the rabbitmq user, so DIR is given to that user.

_rabbitmq_export() {
    local dir=$1 port
    port=$(cat "$dir/port")
    export RABBITMQ_NODENAME="boxoffice-$port@localhost"
    export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    export RABBITMQ_NODE_PORT="$port"
    export RABBITMQ_DIST_PORT="$(cat "$dir/dist_port")"
    export RABBITMQ_MNESIA_BASE="$dir/mnesia"
    export RABBITMQ_LOG_BASE="$dir/log"
    export RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf"
    export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
    export RABBITMQ_PID_FILE="$dir/rabbitmq.pid"
    export ERL_EPMD_ADDRESS=127.0.0.1
    export ERL_CRASH_DUMP="$dir/log/erl_crash.dump"
}

_rabbitmq_node() {
    echo "boxoffice-$(cat "$1/port")@localhost"
}

_rabbitmq_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

_rabbitmq_pid_alive() {
    local pid_file=$1/rabbitmq.pid
    [ -s "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

rabbitmq_ctl() {
    local dir=$1
    shift
    (_rabbitmq_export "$dir" && rabbitmqctl -q -n "$(_rabbitmq_node "$dir")" "$@")
}

rabbitmq_start() {
    local dir=$1 port=$2
    if [ -z "$dir" ] || [ -z "$port" ]; then
        echo "usage: rabbitmq_start DIR PORT" >&2
        return 2
    fi
    if ! command -v rabbitmq-server >/dev/null 2>&1; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null || return 1
        # Debian starts a system node on install; the tests use their own nodes only.
        service rabbitmq-server stop >/dev/null 2>&1 || true
    fi
    mkdir -p "$dir/log" "$dir/mnesia"
    dir=$(cd "$dir" && pwd)
    if _rabbitmq_pid_alive "$dir"; then
        return 0
    fi
    echo "$port" >"$dir/port"
    local dist_port=$((port + 20000))
    if [ "$dist_port" -gt 65535 ]; then
        dist_port=$(_rabbitmq_free_port)
    fi
    echo "$dist_port" >"$dir/dist_port"
    printf '[].\n' >"$dir/enabled_plugins"
    printf 'loopback_users = none\nlog.console = false\nlog.file.level = info\n' >"$dir/rabbitmq.conf"
    rm -f "$dir/rabbitmq.pid"
    chown -R rabbitmq:rabbitmq "$dir"
    # The node must not keep the caller's descriptors (a pipe it holds open would make the caller wait forever).
    (
        cd / || exit 1
        for fd in /proc/$BASHPID/fd/*; do
            fd=${fd##*/}
            if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
        done
        _rabbitmq_export "$dir"
        exec setsid rabbitmq-server >"$dir/log/server.out" 2>&1 </dev/null
    ) &
    disown

    local node deadline
    node=$(_rabbitmq_node "$dir")
    deadline=$((SECONDS + 90))
    until rabbitmq_ctl "$dir" await_startup --timeout 30 >/dev/null 2>&1; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "rabbitmq_start: node $node did not start; see $dir/log" >&2
            tail -n 20 "$dir/log/server.out" >&2
            rabbitmq_stop "$dir"
            return 1
        fi
        sleep 1
    done
    if ! rabbitmq_ctl "$dir" list_users | grep -q '^boxoffice\b'; then
        rabbitmq_ctl "$dir" add_user boxoffice boxoffice >/dev/null || return 1
    fi
    rabbitmq_ctl "$dir" set_permissions -p / boxoffice '.*' '.*' '.*' >/dev/null || return 1
}

rabbitmq_stop() {
    local dir=$1
    if [ -z "$dir" ]; then
        echo "usage: rabbitmq_stop DIR" >&2
        return 2
    fi
    [ -f "$dir/port" ] || return 0
    dir=$(cd "$dir" && pwd)
    if ! _rabbitmq_pid_alive "$dir"; then
        rm -f "$dir/rabbitmq.pid"
        return 0
    fi
    local pid deadline
    pid=$(cat "$dir/rabbitmq.pid")
    rabbitmq_ctl "$dir" stop >/dev/null 2>&1 || true
    deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
        sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -9 "$pid" 2>/dev/null || true
        sleep 0.5
    fi
    rm -f "$dir/rabbitmq.pid"
    # epmd refuses to exit while another node is still registered with it.
    ERL_EPMD_ADDRESS=127.0.0.1 epmd -kill >/dev/null 2>&1 || true
    return 0
}
