#!/usr/bin/env bash
# `cmake --install` puts the stdlib beside the binary (PREFIX/share/mlopsc/
# stdlib), and the installed mlopsc finds it from anywhere.
# shellcheck source=tests/e2e/lib.bash
source "$(dirname "$0")/lib.bash"

build_dir=$(dirname "$MLOPSC")
if ! cmake --install "$build_dir" --prefix "$E2E_WORK/prefix" >install.log 2>&1; then
  fail "cmake --install failed: $(cat install.log)"
  exit 0
fi
[[ -f prefix/share/mlopsc/stdlib/std/roles.mlops ]] && pass "the stdlib is installed under share/mlopsc" \
  || fail "no prefix/share/mlopsc/stdlib/std/roles.mlops"
cp -r "$MLOPS_SOURCE_DIR/examples/credit-risk" spec
MLOPSC=$E2E_WORK/prefix/bin/mlopsc
cd /
run check "$E2E_WORK/spec/credit_risk.mlops"
expect_exit 0 "the installed mlopsc checks an example from another folder"
expect_stderr_empty "the installed mlopsc finds its stdlib"
cd "$E2E_WORK"
