# shellcheck shell=bash
# Sourced by the other scripts: installs the pinned moto server into the project's virtualenv
# and runs it on a free loopback port for the lifetime of the calling script.

SCOPED_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$SCOPED_ROOT/.venv"
MOTO_REQUIREMENTS="$SCOPED_ROOT/scripts/moto-requirements.txt"
POLICY_LINT_REQUIREMENTS="$SCOPED_ROOT/scripts/policy-lint-requirements.txt"

die() {
    echo "error: $*" >&2
    exit 1
}

# Runs `$1` when the calling shell exits, after the commands registered before it (each
# server script registers its own stop).
SCOPED_AT_EXIT=()
at_exit() {
    SCOPED_AT_EXIT+=("$1")
    trap run_at_exit EXIT
    trap 'exit 130' INT TERM
}
run_at_exit() {
    local command
    for command in "${SCOPED_AT_EXIT[@]}"; do
        "$command"
    done
}

# Creates .venv and installs scripts/moto-requirements.txt (the emulator) and
# scripts/policy-lint-requirements.txt (parliament, the IAM policy linter) into it, unless the
# installed set already matches (a stamp holds the requirements' checksum).
ensure_moto() {
    local stamp="$VENV/.moto-requirements.sha256"
    local want
    want=$(cat "$MOTO_REQUIREMENTS" "$POLICY_LINT_REQUIREMENTS" | sha256sum | cut -d' ' -f1)
    if [[ -x "$VENV/bin/moto_server" && -x "$VENV/bin/parliament" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        return 0
    fi
    command -v python3 >/dev/null || die "python3 is required to install moto (Debian: apt-get install python3 python3-venv)"
    echo "==> installing moto server and parliament into $VENV (pinned in scripts/*-requirements.txt)"
    python3 -m venv "$VENV" || die "could not create a virtualenv at $VENV (Debian: apt-get install python3-venv)"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check \
        -r "$MOTO_REQUIREMENTS" -r "$POLICY_LINT_REQUIREMENTS" ||
        die "pip could not install moto and parliament from PyPI; check network access to pypi.org"
    [[ -x "$VENV/bin/moto_server" ]] || die "moto_server is missing from $VENV after installation"
    [[ -x "$VENV/bin/parliament" ]] || die "parliament is missing from $VENV after installation"
    echo "$want" >"$stamp"
}

# Lints every golden session policy (scoped-runtime/tests/golden/*-session-policy.json) with
# parliament; any finding, of any severity, fails. Deliberate exceptions would be configured in
# a parliament config file named here and explained in docs/guard.md; there are none.
# The rewrite `lint_session_policies` applies before parliament reads a golden policy.
POLICY_LINT_REWRITE='
import json, re, sys
text = re.sub(r"\$\{aws:PrincipalTag/[^}]+\}", "sample", open(sys.argv[1]).read())
policy = json.loads(text)
for statement in policy["Statement"]:
    if "Principal" in statement and "Resource" not in statement:
        statement["Resource"] = "arn:aws:iam::123456789012:role/scoped-shared-role"
print(json.dumps(policy))
'

lint_session_policies() {
    local golden="$SCOPED_ROOT/scoped-runtime/tests/golden" policy count=0 findings
    for policy in "$golden"/*-policy.json; do
        [[ -f $policy ]] || continue
        count=$((count + 1))
        # parliament lints identity policies. Two generated kinds need a faithful rewrite first
        # (the golden files themselves are unchanged):
        # - ABAC permission policies read scope values through `${aws:PrincipalTag/…}`, which
        #   parliament cannot match against ARN formats: put in a sample value.
        # - Trust policies are resource policies without a `Resource` (the role they are
        #   attached to is implied), which parliament refuses: name the role as the Resource.
        # parliament reads stdin when it is not a terminal, and then refuses --file.
        if ! findings=$("$VENV/bin/python" -c "$POLICY_LINT_REWRITE" "$policy" | "$VENV/bin/parliament" 2>&1) ||
            [[ -n $findings ]]; then
            die "parliament findings in ${policy#"$SCOPED_ROOT"/}:$(echo; echo "$findings")"
        fi
        echo "--> ${policy#"$SCOPED_ROOT"/}: no findings"
    done
    (( count > 0 )) || die "no golden policies under $golden to lint"
}

# Starts moto_server on a free 127.0.0.1 port, waits until it answers, exports the endpoint and
# test credentials for the AWS SDK, and stops the server when the calling shell exits, whether
# it succeeds or fails.
start_moto() {
    local port log
    port=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    log="${TMPDIR:-/tmp}/scoped-moto-$port.log"
    "$VENV/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
    MOTO_PID=$!
    at_exit stop_moto
    local i
    for i in $(seq 1 100); do
        if "$VENV/bin/python" - "$port" <<'PY' 2>/dev/null; then
import sys, urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/moto-api/", timeout=1)
PY
            break
        fi
        kill -0 "$MOTO_PID" 2>/dev/null || die "moto_server exited at start; its log ($log):$(echo; cat "$log")"
        sleep 0.2
    done
    [[ $i -lt 100 ]] || die "moto_server did not answer on port $port within 20 s; see $log"
    export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
    export AWS_REGION="${AWS_REGION:-us-east-1}"
    export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-testing}"
    export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-testing}"
    # Never let a developer's ~/.aws profile leak into tests.
    export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
    unset AWS_PROFILE AWS_SESSION_TOKEN
    echo "==> moto server listening at $AWS_ENDPOINT_URL (log: $log)"
}

stop_moto() {
    if [[ -n "${MOTO_PID:-}" ]]; then
        kill "$MOTO_PID" 2>/dev/null || true
        wait "$MOTO_PID" 2>/dev/null || true
        MOTO_PID=
    fi
}
