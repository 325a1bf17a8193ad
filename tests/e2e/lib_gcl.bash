# shellcheck shell=bash
# gitlab-ci-local for the e2e tests that run a generated .gitlab-ci.yml
# (gitlab_ci_local.sh, review_gitlab.sh): installs the version locked in
# tests/gitlab-ci-local/ from npm into MLOPS_TEST_CACHE (skips, exit 77,
# only when npm cannot reach the registry and nothing is cached), makes this
# build's release archive (release_archive: $archive, $sha, $version), and
# defines gcl (one run with the shell executor, in its own process group,
# stopped at the end of the test whatever happens), job_list, expect_job,
# job_log, expect_job_log and init_repo. Source it after lib.bash.
GCL_TIMEOUT=${MLOPS_GCL_TIMEOUT:-300}  # seconds one gitlab-ci-local invocation may take

# ---- every process this test starts is gone when it ends, pass or fail
GCL_PID=
stop_gcl() {  # the gitlab-ci-local running now, with its jobs (its own process group)
  [[ -n $GCL_PID ]] || return 0
  kill -TERM -- "-$GCL_PID" 2>/dev/null || true
  for _ in 1 2 3 4 5; do kill -0 -- "-$GCL_PID" 2>/dev/null || break; sleep 1; done
  kill -KILL -- "-$GCL_PID" 2>/dev/null || true
  GCL_PID=
}
E2E_CLEANUPS=(stop_gcl "${E2E_CLEANUPS[@]}")  # the jobs first, then the PostgreSQL cluster
trap 'exit 143' TERM  # (CTest's timeout) reported as a failure, after the cleanups
trap 'exit 130' INT

for tool in node npm git rsync python3 setsid; do
  command -v "$tool" >/dev/null 2>&1 || { fail "$tool is not installed (scripts/install-deps)"; exit 0; }
done

# ---- gitlab-ci-local, installed by npm from the lock file into a cache
lock_dir=$MLOPS_SOURCE_DIR/tests/gitlab-ci-local
lock_sum=$(cat "$lock_dir/package.json" "$lock_dir/package-lock.json" | sha256sum | cut -c1-16)
cache=${MLOPS_TEST_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/mlopsc-tests}/gitlab-ci-local-$lock_sum
gcl_bin=$cache/node_modules/.bin/gitlab-ci-local
gcl_version=$(node -p 'require(process.argv[1]).dependencies["gitlab-ci-local"]' "$lock_dir/package.json")
mkdir -p "$cache"
(
  flock 9
  [[ -x $gcl_bin && -f $cache/.installed ]] && exit 0
  cp "$lock_dir/package.json" "$lock_dir/package-lock.json" "$cache/"
  timeout 300 npm ci --prefix "$cache" --prefer-offline --no-audit --no-fund --loglevel=error >"$E2E_WORK/npm.out" 2>&1 &&
    touch "$cache/.installed"
) 9>"$cache/.lock" || {
  if ! timeout 60 npm ping >"$E2E_WORK/npm-ping.out" 2>&1; then
    skip "npm cannot reach its registry ($(grep -m1 -E 'FetchError|code E' "$E2E_WORK/npm-ping.out" | sed 's/^npm error //'))" \
      "and gitlab-ci-local $gcl_version is not in $cache"
  fi
  fail "npm ci of tests/gitlab-ci-local into $cache failed"; show "$E2E_WORK/npm.out"; exit 0
}
got=$("$gcl_bin" --version 2>&1 || true)
expect_eq "$got" "$gcl_version" "gitlab-ci-local from the lock file"
[[ $got == "$gcl_version" ]] || exit 0

# ---- this build's release archive, as a mirror would serve it
release_archive

# The jobs see this environment and nothing else: no build tree on PATH, no
# docker (--force-shell-executor runs the jobs naming an image in a shell).
node_dir=$(dirname "$(command -v node)")
job_path=$node_dir:/usr/bin:/bin
[[ ":$job_path:" != *":$(dirname "$MLOPSC"):"* ]] || fail "the build tree is on the jobs' PATH"
mkdir -p home markers

# gcl REPO LOG ARG...: runs gitlab-ci-local in REPO with the shell executor;
# sets GCL_RC, writes its output to LOG and prints the job list it ends with.
# gitlab-ci-local gives a job naming an `image` CI_PROJECT_DIR=/builds/<group>/
# <project> even in a shell, a folder shared by all jobs and outside the
# repository, so MLOPSC_HOME (where the jobs install mlopsc) is set per job
# instead.
gcl() {
  local repo=$1 log=$2
  shift 2
  (
    cd "$repo"
    exec setsid env -i PATH="$job_path" HOME="$E2E_WORK/home" LANG=C.UTF-8 \
      "$gcl_bin" --force-shell-executor --shell-isolation --no-artifacts-to-source --no-color \
      --variable "MLOPSC_HOME=$E2E_WORK/mlopsc-home/\$CI_JOB_NAME_SLUG" "$@"
  ) >"$log" 2>&1 &
  GCL_PID=$!
  local start=$SECONDS
  while kill -0 "$GCL_PID" 2>/dev/null && ((SECONDS - start < GCL_TIMEOUT)); do sleep 1; done
  if kill -0 "$GCL_PID" 2>/dev/null; then
    fail "gitlab-ci-local $* did not finish within ${GCL_TIMEOUT}s"
    stop_gcl
    GCL_RC=124
  else
    wait "$GCL_PID" && GCL_RC=0 || GCL_RC=$?
    kill -KILL -- "-$GCL_PID" 2>/dev/null || true  # anything a job left behind
    GCL_PID=
  fi
  local shown=() a
  for a in "$@"; do [[ $a == *=* ]] && shown+=("${a%%=*}=…") || shown+=("$a"); done  # no value (secrets) in the test log
  echo "    gitlab-ci-local ${shown[*]} → exit $GCL_RC in $((SECONDS - start))s; jobs:"
  job_list "$log" | sed 's/^/      /'
}

# job_list LOG: the summary gitlab-ci-local ends with, `PASS|FAIL|WARN JOB`.
job_list() { sed -n -E 's/^ (PASS|FAIL|WARN) +([^ ]+) *$/\1 \2/p' "$1"; }

# expect_job LOG JOB RESULT: the job's result in the summary (`-` for a job
# that did not run).
expect_job() {
  local got
  got=$(job_list "$1" | awk -v j="$2" '$2 == j { print $1 }')
  expect_eq "${got:--}" "$3" "$2"
}

# safe_name JOB: gitlab-ci-local's folder name for a job (`main:model:scorer` →
# `mainOgmodelOgscorer`: each run of other characters than \w and `-` in base64url).
safe_name() { node -e 'console.log(process.argv[1].replace(/[^\w-]+/g, (m) => Buffer.from(m).toString("base64url")))' "$1"; }

# job_log REPO JOB: what the job printed in its latest run.
job_log() { printf '%s/.gitlab-ci-local/output/%s.log' "$1" "$(safe_name "$2")"; }

expect_job_log() {  # REPO JOB TEXT WHAT
  local f
  f=$(job_log "$1" "$2")
  if grep -a -q -F -- "$3" "$f" 2>/dev/null; then pass "$4"; else fail "$4: $2's log lacks: $3"; show "$f"; fi
}

# A job naming an image gets CI_PROJECT_DIR=/builds/<group>/<project> (see
# gcl), which nothing may write to.
gcl_project=$(basename "$E2E_WORK")
# init_repo DIR: commits DIR as branch main of a repository with an origin
# (gitlab-ci-local reads both; it never contacts the remote).
init_repo() {
  git -C "$1" init -q -b main
  git -C "$1" config user.name "CI Test"
  git -C "$1" config user.email ci@localhost.example
  git -C "$1" config commit.gpgsign false
  git -C "$1" add -A
  git -C "$1" commit -q -m "the spec and its generated CI"
  git -C "$1" remote add origin "https://gitlab.invalid/mlopsc-e2e/$gcl_project.git"
  git -C "$1" update-ref refs/remotes/origin/main HEAD
  git -C "$1" remote set-head origin main
}

