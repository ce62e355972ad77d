#!/usr/bin/env bash
# Backs up the PostgreSQL database and the private media (uploaded documents, filing notices) into one folder:
#   bin/backup.sh [DATABASE_URL [MEDIA_FOLDER [BACKUP_FOLDER]]]
# Defaults: $DATABASE_URL, $PRIVATE_MEDIA_ROOT (or var/private-media), var/backups/<timestamp>. Writes database.dump
# (pg_dump --format=custom) and private-media.tar.gz; each appears under its name only once complete.
set -euo pipefail
cd "$(dirname "$0")/.."
database_url=${1:-${DATABASE_URL:?give the database URL (postgres://...) or set DATABASE_URL}}
media=${2:-${PRIVATE_MEDIA_ROOT:-var/private-media}}
target=${3:-${VAR_DIR:-var}/backups/$(date +%Y%m%d-%H%M%S)}

case $database_url in
  postgres://* | postgresql://*) ;;
  *) echo "backup.sh: only PostgreSQL databases are backed up this way: $database_url" >&2; exit 2 ;;
esac
[ -d "$media" ] || { echo "backup.sh: no media folder $media" >&2; exit 2; }
mkdir -p "$target"

pg_dump --format=custom --no-owner --dbname="$database_url" --file="$target/database.dump.partial"
mv "$target/database.dump.partial" "$target/database.dump"
tar -C "$media" -czf "$target/private-media.tar.gz.partial" .
mv "$target/private-media.tar.gz.partial" "$target/private-media.tar.gz"
echo "$target"
