#!/usr/bin/env bash
# Restores a backup of bin/backup.sh into an empty database and an empty (or absent) media folder:
#   bin/restore.sh BACKUP_FOLDER [DATABASE_URL [MEDIA_FOLDER]]
# Defaults: $DATABASE_URL, $PRIVATE_MEDIA_ROOT (or var/private-media). Create the database first (createdb). Then
# confirm with: manage.py migrate --check && manage.py verify_documents
set -euo pipefail
cd "$(dirname "$0")/.."
backup=${1:?give the backup folder written by bin/backup.sh}
database_url=${2:-${DATABASE_URL:?give the database URL (postgres://...) or set DATABASE_URL}}
media=${3:-${PRIVATE_MEDIA_ROOT:-var/private-media}}

for file in database.dump private-media.tar.gz; do
  [ -f "$backup/$file" ] || { echo "restore.sh: $backup/$file is missing" >&2; exit 2; }
done
# Never mix restored documents into a folder that already holds some: move it aside first.
if [ -d "$media" ] && [ -n "$(ls -A "$media")" ]; then
  echo "restore.sh: the media folder $media is not empty; move it aside first" >&2
  exit 2
fi

pg_restore --clean --if-exists --no-owner --exit-on-error --dbname="$database_url" "$backup/database.dump"
mkdir -p "$media"
tar -C "$media" -xzf "$backup/private-media.tar.gz"
