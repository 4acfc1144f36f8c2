#!/bin/sh
# Start a throwaway clamd for the `clamd` tests, with a one-signature database (no freshclam,
# no internet): the EICAR test string, as an .ndb body signature matched anywhere in a file.
#
#   export CLAMD_SOCKET="$(evidence/clamd_test_server.sh)"
#   .venv/bin/pytest tests/evidence -m clamd
#   kill "$(cat "$(dirname "$CLAMD_SOCKET")/clamd.pid")"
#
# Prints the socket path on stdout once clamd accepts connections; everything else goes to
# <dir>/clamd.log. Optional first argument: the directory to use (default: a new temp dir).
set -eu

DIR="${1:-$(mktemp -d "${TMPDIR:-/tmp}/clamd-test.XXXXXX")}"
mkdir -p "$DIR"
CLAMD="$(command -v clamd || echo /usr/sbin/clamd)"
[ -x "$CLAMD" ] || { echo "clamd not found (apt-get install clamav-daemon)" >&2; exit 1; }

EICAR='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
HEX="$(printf '%s' "$EICAR" | od -An -v -tx1 | tr -d ' \n')"
printf 'Eicar-Test-Signature:0:*:%s\n' "$HEX" > "$DIR/test.ndb"

cat > "$DIR/clamd.conf" <<CONF
LocalSocket $DIR/clamd.sock
LocalSocketMode 660
PidFile $DIR/clamd.pid
DatabaseDirectory $DIR
LogFile $DIR/clamd.log
Foreground yes
StreamMaxLength 100M
MaxFileSize 100M
MaxScanSize 200M
ReadTimeout 30
CONF
if [ "$(id -u)" = 0 ]; then echo "User root" >> "$DIR/clamd.conf"; fi

"$CLAMD" --config-file="$DIR/clamd.conf" >>"$DIR/clamd.log" 2>&1 &
echo $! > "$DIR/clamd.pid"

i=0
while [ $i -lt 300 ]; do
  if [ -S "$DIR/clamd.sock" ] && printf 'zPING\0' | python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(2); s.connect('$DIR/clamd.sock')
s.sendall(sys.stdin.buffer.read()); sys.exit(0 if s.recv(16).startswith(b'PONG') else 1)
" 2>/dev/null; then
    echo "$DIR/clamd.sock"
    exit 0
  fi
  if ! kill -0 "$(cat "$DIR/clamd.pid")" 2>/dev/null; then
    echo "clamd exited; see $DIR/clamd.log" >&2; cat "$DIR/clamd.log" >&2; exit 1
  fi
  sleep 0.1; i=$((i + 1))
done
echo "clamd did not start within 30 s; see $DIR/clamd.log" >&2
exit 1
