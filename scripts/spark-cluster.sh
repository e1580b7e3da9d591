#!/usr/bin/env bash
# Start a 2-worker Spark standalone cluster on loopback, run `subtier screen --engine spark`
# on it, run the same job in Spark local mode and with the local engine, compare the three
# outputs, and stop the cluster whatever happens.
#
#   bash scripts/spark-cluster.sh [ROWS]        # ROWS generated input rows (default 20000)
#
# Environment: PYTHON (default .venv/bin/python), SPARK_CLUSTER_PORT (default 17077).
# Exit status: 0 when the outputs are identical, 1 when they differ, 2 when a step failed.
set -uo pipefail

cd "$(dirname "$0")/.."
ROWS="${1:-20000}"
PYTHON="${PYTHON:-.venv/bin/python}"
PORT="${SPARK_CLUSTER_PORT:-17077}"
MASTER="spark://127.0.0.1:${PORT}"
WORK="$(mktemp -d -t subtier-spark-cluster.XXXXXX)"
PIDS=()

stop() {
  local status=$?
  # spark-class execs java, so each saved PID is the JVM's own.
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
    for log in "$WORK"/*.log; do [ -f "$log" ] && { echo "--- $log"; tail -n 15 "$log"; }; done
  fi
  rm -rf "$WORK"
  [ ${#PIDS[@]} -gt 0 ] && echo "cluster stopped"
  exit "$status"
}
trap stop EXIT
trap 'exit 2' INT TERM

fail() { echo "spark-cluster: $*" >&2; exit 2; }

wait_for() {  # wait_for FILE PATTERN COUNT SECONDS
  local waited=0
  until [ "$(grep -c "$2" "$1" 2>/dev/null || true)" -ge "$3" ]; do
    sleep 0.5
    waited=$((waited + 1))
    [ "$waited" -gt $(($4 * 2)) ] && fail "timed out waiting for '$2' in $1"
  done
}

SPARK_HOME="$("$PYTHON" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')" \
  || fail "PySpark is not installed for $PYTHON (pip install 'subtier[spark]')"
java -version >/dev/null 2>&1 || fail "java is not installed (Spark needs Java 17 or newer)"
export SPARK_HOME SPARK_LOCAL_IP=127.0.0.1 PYSPARK_PYTHON="$PWD/$PYTHON"
unset SPARK_NO_DAEMONIZE

"$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$PORT" --webui-port $((PORT + 1000)) >"$WORK/master.log" 2>&1 &
PIDS+=($!)
wait_for "$WORK/master.log" "Starting Spark master" 1 60
for n in 1 2; do
  "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --cores 1 --memory 2g --webui-port $((PORT + 1000 + n)) \
    --work-dir "$WORK/worker$n" "$MASTER" >"$WORK/worker$n.log" 2>&1 &
  PIDS+=($!)
done
wait_for "$WORK/master.log" "Registering worker" 2 90
echo "cluster up: $MASTER with 2 workers"

"$PYTHON" - "$WORK/input.csv" "$ROWS" <<'PY' || fail "could not generate the input"
import sys
from pathlib import Path
sys.path.insert(0, "benchmarks")
from screen_sets import write_sites
write_sites(Path(sys.argv[1]), int(sys.argv[2]))
PY

run() {  # run NAME ARGS...: time one screening
  local name=$1; shift
  local began=$SECONDS
  "$PYTHON" -m subtier screen "$WORK/input.csv" --list facilities -o "$WORK/$name.csv" "$@" \
    2>"$WORK/$name.log" || fail "$name run failed"
  echo "$name: $((SECONDS - began)) s"
}
run cluster --engine spark --spark-master "$MASTER"
run spark-local --engine spark --spark-master "local[2]"
run local-engine

same=0
for other in spark-local local-engine; do
  if cmp -s "$WORK/cluster.csv" "$WORK/$other.csv"; then
    echo "cluster output = $other output ($(($(wc -l <"$WORK/cluster.csv") - 1)) rows)"
  else
    echo "cluster output DIFFERS from $other output"
    same=1
  fi
done
exit "$same"
