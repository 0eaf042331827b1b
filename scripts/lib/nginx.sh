# The gateway on loopback, from Debian's nginx package and deploy/nginx.conf. Source this file, then:
#   nginx_install                   installs nginx when it is missing (and keeps Debian's own server stopped)
#   nginx_config DIR PORT B1 B2 P PUBLIC
#                                   writes DIR/nginx.conf: deploy/nginx.conf with the container addresses
#                                   replaced by 127.0.0.1:B1, :B2 (booking) and :P (payments), listening on
#                                   127.0.0.1:PORT, serving PUBLIC, logging and keeping its pid in DIR
#   nginx_start DIR                 checks DIR/nginx.conf and starts nginx with it
#   nginx_stop DIR                  stops that nginx (kills it if it does not stop); 0 if it was not running

_nginx_deploy_conf() {
    echo "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/deploy/nginx.conf"
}

nginx_install() {
    if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
        return 0
    fi
    echo "installing nginx from Debian's packages" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null || return 1
    # Debian starts its own server on port 80 on install; the gateway runs its own.
    service nginx stop >/dev/null 2>&1 || true
}

_nginx_bin() {
    command -v nginx 2>/dev/null || echo /usr/sbin/nginx
}

nginx_config() {
    local dir=$1 port=$2 booking1=$3 booking2=$4 payments=$5 public=$6
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    public=$(cd "$public" && pwd)
    sed -e "s|booking-1:8080|127.0.0.1:$booking1|" \
        -e "s|booking-2:8080|127.0.0.1:$booking2|" \
        -e "s|payments:8080|127.0.0.1:$payments|" \
        -e "s|listen 80;|listen 127.0.0.1:$port;|" \
        -e "s|root /srv/boxoffice/public;|root $public;|" \
        -e "s|/run/nginx.pid|$dir/nginx.pid|" \
        -e "s|/var/log/nginx/|$dir/|g" \
        "$(_nginx_deploy_conf)" >"$dir/nginx.conf"
    # Temporary files of buffered bodies stay in DIR too.
    sed -i "s|^http {|http {\n    client_body_temp_path $dir/client_body;\n    proxy_temp_path $dir/proxy;\n    fastcgi_temp_path $dir/fastcgi;\n    uwsgi_temp_path $dir/uwsgi;\n    scgi_temp_path $dir/scgi;|" "$dir/nginx.conf"
    # As root, nginx's workers run as nobody: they must be able to read the web app and write their temp files.
    if [ "$(id -u)" = 0 ]; then
        chmod 755 "$dir"
        chmod -R a+rX "$public"
    fi
}

nginx_start() {
    local dir
    dir=$(cd "$1" && pwd)
    "$(_nginx_bin)" -t -q -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" || return 1
    "$(_nginx_bin)" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf"
}

nginx_stop() {
    local dir=$1 pid deadline
    [ -s "$dir/nginx.pid" ] || return 0
    pid=$(cat "$dir/nginx.pid")
    if ! kill -0 "$pid" 2>/dev/null; then
        rm -f "$dir/nginx.pid"
        return 0
    fi
    # TERM is nginx's fast shutdown: open connections (live sockets too) are closed, not waited for.
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 10))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
        sleep 0.2
    done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/nginx.pid"
    return 0
}
