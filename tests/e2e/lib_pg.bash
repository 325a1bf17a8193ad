# A throwaway PostgreSQL cluster for an e2e script (tests/support/pg-cluster),
# stopped when the script exits, pass or fail. Source after lib.bash.
#
#   pg_start [NAME [--password-file FILE]]   starts a cluster; sets PG_STATE
#                                            (its libpq connection string) and
#                                            PG_DIR_<NAME>; NAME defaults to main
#   pg_stop [NAME]                           stops it (also done at exit)
#   pg_sql SQL...                            runs SQL with psql on $PG_STATE
PG_CLUSTER=$MLOPS_SOURCE_DIR/tests/support/pg-cluster
PG_CLUSTERS=()

pg_start() {
  local name=${1:-main}
  shift || true
  # Short: the socket path must stay under 107 bytes.
  local dir
  dir=$(mktemp -u /tmp/mlpg.XXXXXX)
  PG_CLUSTERS+=("$dir")
  declare -g "PG_DIR_$name=$dir"
  PG_STATE=$("$PG_CLUSTER" start "$dir" "$@") || { echo "pg_start: cannot start a PostgreSQL cluster" >&2; return 1; }
}

pg_stop() {
  local name=${1:-main} var="PG_DIR_${1:-main}"
  [[ -n ${!var:-} ]] && "$PG_CLUSTER" stop "${!var}"
}

_pg_stop_all() {
  local dir
  for dir in "${PG_CLUSTERS[@]}"; do "$PG_CLUSTER" stop "$dir"; done
}
E2E_CLEANUPS+=(_pg_stop_all)

pg_sql() { psql "$PG_STATE" -X -q -v ON_ERROR_STOP=1 -At -c "$*"; }
