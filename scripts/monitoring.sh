# Prometheus, the host's node exporter, the Celery workers' metrics exporter and RabbitMQ's Prometheus
# plugin: started by scripts/up once the API answers, stopped by scripts/down. Sourced after lib.sh.
# Everything listens on 127.0.0.1 only; none of it goes through the public Nginx site.

PROMETHEUS_ADDR=127.0.0.1:9090
NODE_EXPORTER_ADDR=127.0.0.1:9100
API_METRICS_ADDR=${API_METRICS_BIND:-127.0.0.1:9101}     # served by the gunicorn master (gunicorn.conf.py)
WORKER_METRICS_ADDR=127.0.0.1:9102

# The Celery workers' multiprocess files (celery_worker.py writes them there), summed on one port.
start_worker_metrics() {
  running "$VAR/run/worker-metrics.pid" && return
  say "Starting the Celery workers' metrics exporter on $WORKER_METRICS_ADDR"
  nohup "$PY" -m anb.observability.exporter --bind "$WORKER_METRICS_ADDR" \
    --dir "${PROMETHEUS_MULTIPROC_DIR:-$VAR/metrics/celery}" >> "$VAR/log/worker-metrics.log" 2>&1 &
  echo $! > "$VAR/run/worker-metrics.pid"
}

start_node_exporter() {
  running "$VAR/run/node-exporter.pid" && return
  say "Starting prometheus-node-exporter on $NODE_EXPORTER_ADDR"
  nohup prometheus-node-exporter --web.listen-address="$NODE_EXPORTER_ADDR" --no-collector.systemd \
    >> "$VAR/log/node-exporter.log" 2>&1 &
  echo $! > "$VAR/run/node-exporter.pid"
}

# The plugin listens on all interfaces unless told otherwise: rabbitmq.conf says so for the next start of
# RabbitMQ, and the running node's listener is moved to loopback now.
enable_rabbitmq_metrics() {
  local conf=/etc/rabbitmq/rabbitmq.conf
  rabbitmq-plugins list -e -m 2>/dev/null | grep -qx rabbitmq_prometheus && grep -qs '^prometheus.tcp.ip' "$conf" \
    && return
  say "Enabling RabbitMQ's rabbitmq_prometheus plugin on 127.0.0.1:15692"
  rabbitmq-plugins enable -q rabbitmq_prometheus >/dev/null
  grep -qs '^prometheus.tcp.ip' "$conf" || echo 'prometheus.tcp.ip = 127.0.0.1' >> "$conf"
  rabbitmqctl -q eval 'application:set_env(rabbitmq_prometheus, tcp_config, [{ip, "127.0.0.1"}, {port, 15692}]),
    application:stop(rabbitmq_prometheus), application:start(rabbitmq_prometheus).' >/dev/null
}

# render_prometheus_config OUTPUT: the template with this checkout's paths, ports and media mount point.
render_prometheus_config() {
  local media=${MEDIA_ROOT:-$VAR/media} mount
  mkdir -p "$media"
  mount=$(df --output=target "$media" | tail -n 1)
  sed -e "s|@ROOT@|$ROOT|g" -e "s|@MEDIA_MOUNT@|$mount|g" -e "s|@API_METRICS@|$API_METRICS_ADDR|g" \
    -e "s|@WORKER_METRICS@|$WORKER_METRICS_ADDR|g" "$ROOT/config/prometheus/prometheus.yml.template" > "$1"
}

# The rules and the rendered configuration load, and every alert fires on its made-up series (scripts/test).
check_prometheus_rules() {
  local rendered
  rendered=$(mktemp --suffix=.yml)
  render_prometheus_config "$rendered"
  promtool check config "$rendered" && rm -f "$rendered"
  promtool test rules "$ROOT/config/prometheus/tests/alerts_test.yml"
}

start_prometheus() {
  local config=$VAR/prometheus/prometheus.yml
  mkdir -p "$VAR/prometheus/data"
  render_prometheus_config "$config"
  promtool check config --syntax-only "$config" >/dev/null || die "invalid Prometheus configuration: $config"
  if running "$VAR/run/prometheus.pid"; then
    say "Reloading Prometheus"; kill -HUP "$(cat "$VAR/run/prometheus.pid")"; return
  fi
  say "Starting Prometheus on $PROMETHEUS_ADDR"
  nohup prometheus --config.file="$config" --storage.tsdb.path="$VAR/prometheus/data" \
    --storage.tsdb.retention.time=30d --web.listen-address="$PROMETHEUS_ADDR" \
    >> "$VAR/log/prometheus.log" 2>&1 &
  echo $! > "$VAR/run/prometheus.pid"
}

start_monitoring() {
  enable_rabbitmq_metrics
  start_worker_metrics
  start_node_exporter
  start_prometheus
  wait_for 30 "The Celery workers' metrics exporter" port_open "${WORKER_METRICS_ADDR##*:}"
  wait_for 30 prometheus-node-exporter port_open "${NODE_EXPORTER_ADDR##*:}"
  wait_for 60 Prometheus curl -sf "http://$PROMETHEUS_ADDR/-/ready"
}

stop_monitoring() {
  stop Prometheus "$VAR/run/prometheus.pid"
  stop prometheus-node-exporter "$VAR/run/node-exporter.pid"
  stop "the Celery workers' metrics exporter" "$VAR/run/worker-metrics.pid"
}

monitoring_urls() {
  cat <<URLS
  Prometheus   http://$PROMETHEUS_ADDR   (alerts: http://$PROMETHEUS_ADDR/alerts)
  Metrics      API http://$API_METRICS_ADDR/metrics, workers http://$WORKER_METRICS_ADDR/metrics, host http://$NODE_EXPORTER_ADDR/metrics
URLS
}
