# shellcheck shell=bash
# Sourced after moto.sh: installs the pinned dynalite (a second DynamoDB implementation, on
# LevelDB, written to match DynamoDB's validation and error messages) into
# scripts/dynalite/node_modules and runs it in memory on a free loopback port for the lifetime
# of the calling script. STS stays at moto: dynalite is DynamoDB only.

DYNALITE_DIR="$SCOPED_ROOT/scripts/dynalite"

# Installs scripts/dynalite/package-lock.json with `npm ci`, unless the installed set already
# matches (a stamp holds the lock file's checksum).
ensure_dynalite() {
    local stamp="$DYNALITE_DIR/node_modules/.dynalite-lock.sha256"
    local want
    want=$(sha256sum "$DYNALITE_DIR/package-lock.json" | cut -d' ' -f1)
    command -v node >/dev/null ||
        die "node is required to run dynalite (Node.js 20 or later; Debian: apt-get install nodejs npm, or see https://nodejs.org)"
    local major
    major=$(node -p 'process.versions.node.split(".")[0]')
    (( major >= 20 )) ||
        die "dynalite needs Node.js 20 or later; $(command -v node) is $(node --version) (Debian: apt-get install nodejs npm, or see https://nodejs.org)"
    if [[ -f "$DYNALITE_DIR/node_modules/dynalite/cli.js" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        return 0
    fi
    command -v npm >/dev/null ||
        die "npm is required to install dynalite (Debian: apt-get install npm, or see https://nodejs.org)"
    echo "==> installing dynalite into $DYNALITE_DIR/node_modules (pinned in scripts/dynalite/package-lock.json)"
    # --ignore-scripts: classic-level ships prebuilt LevelDB bindings and dynalite runs in
    # memory; nothing needs compiling.
    (cd "$DYNALITE_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) ||
        die "npm could not install dynalite; check network access to the npm registry"
    [[ -f "$DYNALITE_DIR/node_modules/dynalite/cli.js" ]] ||
        die "dynalite is missing from $DYNALITE_DIR/node_modules after installation"
    echo "$want" >"$stamp"
}

# Starts dynalite in memory on a free 127.0.0.1 port, waits until it answers, and exports its
# endpoint as DYNALITE_URL; `use_dynalite` points DynamoDB at it. Stops it when the calling
# shell exits, whether it succeeds or fails.
start_dynalite() {
    local port log
    port=$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
    log="${TMPDIR:-/tmp}/scoped-dynalite-$port.log"
    # Tables become ACTIVE at once: the SDK's table-exists waiter polls every 20 s, so the
    # 500 ms default would add 20 s to every table a test provisions.
    node "$DYNALITE_DIR/node_modules/dynalite/cli.js" --host 127.0.0.1 --port "$port" \
        --createTableMs 0 --deleteTableMs 0 --updateTableMs 0 ${DYNALITE_VERBOSE:+--verbose} >"$log" 2>&1 &
    DYNALITE_PID=$!
    at_exit stop_dynalite
    local i
    for i in $(seq 1 100); do
        if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
            "http://127.0.0.1:$port/" 2>/dev/null; then
            break
        fi
        kill -0 "$DYNALITE_PID" 2>/dev/null || die "dynalite exited at start; its log ($log):$(echo; cat "$log")"
        sleep 0.2
    done
    [[ $i -lt 100 ]] || die "dynalite did not answer on port $port within 20 s; see $log"
    export DYNALITE_URL="http://127.0.0.1:$port"
    echo "==> dynalite listening at $DYNALITE_URL (log: $log)"
}

# Points the AWS SDK's DynamoDB clients at dynalite (STS stays at AWS_ENDPOINT_URL, moto) and
# tells the integration tests which backend they run on.
use_dynalite() {
    [[ -n "${DYNALITE_URL:-}" ]] || die "use_dynalite before start_dynalite"
    export AWS_ENDPOINT_URL_DYNAMODB="$DYNALITE_URL"
    export SCOPED_TEST_BACKEND=dynalite
}

stop_dynalite() {
    if [[ -n "${DYNALITE_PID:-}" ]]; then
        kill "$DYNALITE_PID" 2>/dev/null || true
        wait "$DYNALITE_PID" 2>/dev/null || true
        DYNALITE_PID=
    fi
}
