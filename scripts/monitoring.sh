# Monitoring: RabbitMQ's Prometheus plugin and the configuration of Prometheus, which supervisord runs with
# the host's node exporter and the Celery workers' metrics exporter (config/supervisord.conf). Sourced after
# lib.sh by scripts/up (prepare_monitoring) and scripts/test (check_prometheus_rules).
# Everything listens on 127.0.0.1 only; none of it goes through the public Nginx site.

# Exported: config/supervisord.conf reads them. Each can be moved by the environment (scripts/up keeps them
# in .env) for a second stack on one machine.
export PROMETHEUS_ADDR=${PROMETHEUS_ADDR:-127.0.0.1:9090}
export NODE_EXPORTER_ADDR=${NODE_EXPORTER_ADDR:-127.0.0.1:9100}
export API_METRICS_ADDR=${API_METRICS_BIND:-127.0.0.1:9101}  # served by the gunicorn master (gunicorn.conf.py)
export UPLOAD_METRICS_ADDR=${UPLOAD_METRICS_BIND:-127.0.0.1:9103}  # the upload pool's master
export WORKER_METRICS_ADDR=${WORKER_METRICS_ADDR:-127.0.0.1:9102}

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
    -e "s|@UPLOAD_METRICS@|$UPLOAD_METRICS_ADDR|g" \
    -e "s|@WORKER_METRICS@|$WORKER_METRICS_ADDR|g" -e "s|@FLOWER_PORT@|${FLOWER_PORT:-5555}|g" \
    -e "s|@FLOWER_PASSWORD_FILE@|$VAR/prometheus/flower.password|g" -e "s|@BROKER_VHOST@|${BROKER_VHOST:-/}|g" \
    "$ROOT/config/prometheus/prometheus.yml.template" > "$1"
}

# The rules and the rendered configuration load, and every alert fires on its made-up series (scripts/test).
check_prometheus_rules() {
  local rendered
  rendered=$(mktemp --suffix=.yml)
  render_prometheus_config "$rendered"
  promtool check config "$rendered" && rm -f "$rendered"
  promtool test rules "$ROOT/config/prometheus/tests/alerts_test.yml"
}

# prepare_monitoring: what the supervised Prometheus, node exporter and workers' exporter need before
# supervisord starts them (config/supervisord.conf): the RabbitMQ plugin, folders the system user owns,
# and the rendered configuration (with Flower's password in a file only that user reads).
prepare_monitoring() {
  enable_rabbitmq_metrics
  mkdir -p "$VAR/prometheus/data" "$VAR/metrics/api" "$VAR/metrics/upload" "$VAR/metrics/celery"
  (umask 077; printf '%s' "${FLOWER_PASSWORD:-}" > "$VAR/prometheus/flower.password")
  render_prometheus_config "$VAR/prometheus/prometheus.yml"
  promtool check config --syntax-only "$VAR/prometheus/prometheus.yml" >/dev/null \
    || die "invalid Prometheus configuration: $VAR/prometheus/prometheus.yml"
  chown -R "$ANB_USER:" "$VAR/prometheus" "$VAR/metrics"
}

monitoring_urls() {
  cat <<URLS
  Prometheus   http://$PROMETHEUS_ADDR   (alerts: http://$PROMETHEUS_ADDR/alerts)
  Metrics      API http://$API_METRICS_ADDR/metrics, uploads http://$UPLOAD_METRICS_ADDR/metrics, workers http://$WORKER_METRICS_ADDR/metrics, host http://$NODE_EXPORTER_ADDR/metrics
URLS
}
