#!/usr/bin/env bash
# Test-only set-up, run by `make test` after build/setup-system.sh: what the hub tests need
# besides the kiosk's own packages.
#   - Debian's chromium, which renders the hub dashboard in a real headless browser;
#   - a PostgreSQL server on 127.0.0.1:5432 with user postgres, database `test` and trust
#     authentication on loopback (the hub suite runs on SQLite and on PostgreSQL).
# Installs (through setup-system.sh) and starts what is missing when run as root; otherwise says
# what is missing. Prints nothing when everything is there. Outside CI the PostgreSQL half of
# the hub tests is skipped with a reason when no server answers; in CI (CI=true) it fails.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

pg_up() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }

extra=(chromium)
if ! pg_up && ! command -v pg_ctlcluster >/dev/null 2>&1; then
  extra+=(postgresql)
fi
bash "$here/setup-system.sh" "${extra[@]}"

if pg_up; then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "setup-test: no PostgreSQL on 127.0.0.1:5432; the hub's PostgreSQL tests will be skipped" >&2
  echo "setup-test: as root, build/setup-test.sh starts one" >&2
  exit 0
fi

version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
if [[ -z "$version" ]]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  pg_createcluster "$version" main >/dev/null
fi
hba="/etc/postgresql/$version/main/pg_hba.conf"
if ! grep -q "kiosk-tests" "$hba"; then
  echo "setup-test: trust authentication on loopback for the tests ($hba)"
  { echo "host all all 127.0.0.1/32 trust  # kiosk-tests"
    echo "host all all ::1/128 trust  # kiosk-tests"
    cat "$hba"; } > "$hba.new"
  chown --reference="$hba" "$hba.new"
  chmod --reference="$hba" "$hba.new"
  mv "$hba.new" "$hba"
fi
echo "setup-test: starting PostgreSQL $version"
pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
for _ in $(seq 1 60); do
  pg_up && break
  sleep 0.5
done
if ! pg_up; then
  echo "setup-test: PostgreSQL did not start on 127.0.0.1:5432" >&2
  exit 1
fi
if ! psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" \
    | grep -q 1; then
  psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -qc "CREATE DATABASE test"
fi
