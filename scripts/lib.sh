# Shared set-up for scripts/up and scripts/test: install what is missing, start the services, make the
# virtualenv and the databases. Idempotent: every step checks before it acts. Sourced, not run.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=$ROOT/.venv
VAR=$ROOT/var
PY=$VENV/bin/python
mkdir -p "$VAR/run" "$VAR/log" "$VAR/metrics/celery"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Debian packages, keyed by a file each one installs.
declare -A DEB_PACKAGES=(
  [/usr/sbin/mariadbd]=mariadb-server [/usr/bin/mariadb]=mariadb-client
  [/usr/sbin/rabbitmq-server]=rabbitmq-server [/usr/sbin/nginx]=nginx
  [/usr/bin/ffmpeg]=ffmpeg [/usr/bin/redis-server]=redis-server
  [/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf]=fonts-dejavu-core [/usr/bin/curl]=curl
  [/usr/bin/promtool]=prometheus [/usr/bin/prometheus-node-exporter]=prometheus-node-exporter
  [/usr/bin/ip]=iproute2
  [/usr/bin/wrk]=wrk
)

install_system_packages() {
  local missing=() path
  for path in "${!DEB_PACKAGES[@]}"; do [ -e "$path" ] || missing+=("${DEB_PACKAGES[$path]}"); done
  [ ${#missing[@]} -eq 0 ] && return
  say "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

find_python313() {
  local candidate
  for candidate in "$(command -v python3.13 || true)" "$(PYENV_VERSION=3.13.0 pyenv which python3.13 2>/dev/null || true)" \
      "$HOME/.pyenv/versions/3.13.0/bin/python3.13" /usr/bin/python3.13 /usr/local/bin/python3.13; do
    [ -n "$candidate" ] && PYENV_VERSION=3.13.0 "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 13)' \
      2>/dev/null && { echo "$candidate"; return; }
  done
  apt-get install -y -qq python3.13 python3.13-venv >/dev/null 2>&1 && { echo /usr/bin/python3.13; return; }
  die "Python 3.13 is needed (pyenv install 3.13.0, or apt-get install python3.13 python3.13-venv)"
}

# Every file whose change changes what make_virtualenv installs (setuptools reads setup.cfg too).
INSTALL_INPUTS=(requirements.txt requirements-dev.txt pyproject.toml setup.cfg)

# The system user that runs the services must be able to run the interpreter too. One inside /root (pyenv)
# is out of its reach: it is copied once to $SHARED_PYTHON, and its libpython found via LD_LIBRARY_PATH
# (the pyenv build's RUNPATH points into /root).
SHARED_PYTHON=/opt/anb-python3.13
if [ -x "$SHARED_PYTHON/bin/python3.13" ]; then
  export LD_LIBRARY_PATH=$SHARED_PYTHON/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
fi

reachable_python313() {
  local found prefix
  found=$(find_python313)
  if runuser -u nobody -- "$found" -c '' 2>/dev/null; then echo "$found"; return; fi
  if [ ! -x "$SHARED_PYTHON/bin/python3.13" ]; then
    prefix=$(PYENV_VERSION=3.13.0 "$found" -c 'import sys; print(sys.base_prefix)')
    say "Copying Python 3.13 from $prefix to $SHARED_PYTHON, where the system user can run it" >&2
    rm -rf "$SHARED_PYTHON.part" && cp -a "$prefix" "$SHARED_PYTHON.part" && mv "$SHARED_PYTHON.part" "$SHARED_PYTHON"
    export LD_LIBRARY_PATH=$SHARED_PYTHON/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  fi
  echo "$SHARED_PYTHON/bin/python3.13"
}

make_virtualenv() {
  local python
  python=$(reachable_python313)
  if [ -x "$PY" ] && ! grep -qx "home = $(dirname "$python")" "$VENV/pyvenv.cfg"; then
    say "Re-creating .venv on $python (the system user could not run the old one)"
    rm -rf "$VENV"
  fi
  if [ ! -x "$PY" ]; then
    say "Creating the Python 3.13 virtualenv in .venv"
    PYENV_VERSION=3.13.0 "$python" -m venv "$VENV"
  fi
  # One venv for running, testing and benchmarking: the pinned requirements with the dev tools, and the
  # project itself in editable mode, so that scripts import anb, tasks and config from anywhere.
  local stamp=$VENV/.requirements.sha256 wanted
  wanted=$(cd "$ROOT" && sha256sum "${INSTALL_INPUTS[@]}" | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    say "Installing Python requirements and the project (editable)"
    "$PY" -m pip install -q --disable-pip-version-check -r "$ROOT/requirements-dev.txt" -e "$ROOT"
    echo "$wanted" > "$stamp"
  fi
}

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds=$1 what=$2; shift 2
  for _ in $(seq "$((seconds * 4))"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.25; done
  die "$what did not come up within ${seconds}s"
}

port_open() { (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null; }  # port_open PORT [ADDRESS]

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# stop NAME PIDFILE: TERM (a Celery worker finishes its task), then KILL after 30 s (its task is redelivered).
stop() {
  local pid
  if running "$2"; then
    pid=$(cat "$2")
    echo "Stopping $1"
    kill -TERM "$pid"
    for _ in $(seq 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$2"
}

start_mariadb() {
  mariadb-admin ping >/dev/null 2>&1 && return
  say "Starting MariaDB"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  [ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql >/dev/null
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_for 60 MariaDB mariadb-admin ping
}

start_rabbitmq() {
  port_open 5672 && return
  say "Starting RabbitMQ"
  rabbitmq-server -detached
  wait_for 90 RabbitMQ port_open 5672
  wait_for 60 RabbitMQ rabbitmqctl -q status
}

start_redis() {
  port_open 6379 && return
  say "Starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/anb.log
  wait_for 20 Redis port_open 6379
}

# create_database NAME USER PASSWORD: the database and an account that owns only it.
create_database() {
  mariadb -uroot <<SQL
CREATE DATABASE IF NOT EXISTS \`$1\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$2'@'127.0.0.1' IDENTIFIED BY '$3';
CREATE USER IF NOT EXISTS '$2'@'localhost' IDENTIFIED BY '$3';
ALTER USER '$2'@'127.0.0.1' IDENTIFIED BY '$3';
ALTER USER '$2'@'localhost' IDENTIFIED BY '$3';
GRANT ALL PRIVILEGES ON \`$1\`.* TO '$2'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`$1\`.* TO '$2'@'localhost';
SQL
}

# create_app_database NAME APP_USER APP_PASSWORD MIGRATOR_USER MIGRATOR_PASSWORD [CLIENT_HOSTS]: the system's
# database, an account for the app with row privileges only, and one for migrations (scripts/up's flask db
# upgrade) that may change the schema, each allowed from CLIENT_HOSTS (MariaDB host patterns; default the
# local machine: "127.0.0.1 localhost"). Passwords are (re)set from .env every time.
create_app_database() {
  local host
  mariadb -uroot -e "CREATE DATABASE IF NOT EXISTS \`$1\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
  for host in ${6:-127.0.0.1 localhost}; do
    mariadb -uroot <<SQL
CREATE USER IF NOT EXISTS '$2'@'$host' IDENTIFIED BY '$3';
ALTER USER '$2'@'$host' IDENTIFIED BY '$3';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM '$2'@'$host';
GRANT SELECT, INSERT, UPDATE, DELETE ON \`$1\`.* TO '$2'@'$host';
CREATE USER IF NOT EXISTS '$4'@'$host' IDENTIFIED BY '$5';
ALTER USER '$4'@'$host' IDENTIFIED BY '$5';
GRANT ALL PRIVILEGES ON \`$1\`.* TO '$4'@'$host';
SQL
  done
}

# create_broker_account USER PASSWORD VHOST: the system's own RabbitMQ user, allowed only in its vhost.
create_broker_account() {
  rabbitmqctl -q list_vhosts | grep -qx "$3" || rabbitmqctl -q add_vhost "$3"
  if rabbitmqctl -q list_users | cut -f1 | grep -qx "$1"; then
    rabbitmqctl -q change_password "$1" "$2"
  else
    rabbitmqctl -q add_user "$1" "$2"
  fi
  rabbitmqctl -q set_permissions -p "$3" "$1" '.*' '.*' '.*'
}

# dead_letter_policy VHOST: RabbitMQ moves the pipeline queues' rejected jobs to the dead-letter exchange
# (a policy, not queue arguments: those cannot change on queues that already exist). Values from config.
dead_letter_policy() {
  local name pattern definition
  read -r name pattern definition < <(cd "$ROOT" && "$PY" -c 'import json; from config import DEAD_LETTER_POLICY as p
print(p["name"], p["pattern"], json.dumps(p["definition"], separators=(",", ":")))')
  rabbitmqctl -q set_policy -p "$1" --apply-to queues "$name" "$pattern" "$definition" >/dev/null
}

# system_user NAME: the unprivileged account every long-lived process of the system runs as.
system_user() {
  id -u "$1" >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$1"
}

# create_vhost NAME: a RabbitMQ virtual host for guest, so test queues never meet the running system's.
create_vhost() {
  rabbitmqctl -q list_vhosts | grep -qx "$1" || rabbitmqctl -q add_vhost "$1"
  rabbitmqctl -q set_permissions -p "$1" guest '.*' '.*' '.*'
}

prepare() {
  install_system_packages
  start_mariadb
  start_rabbitmq
  start_redis
  make_virtualenv
}
