#!/usr/bin/env bash
# Assembles the deployable Functions app: 'dotnet publish' of the isolated-worker app gives the whole package (the
# app, host.json, functions.metadata, worker.config.json and the .azurefunctions/ extensions the Worker SDK builds),
# in out/package/, zipped to out/kpifunctions.zip.
#   scripts/package.sh            (then deploy out/kpifunctions.zip: infra/README.md gives the az commands, or azd up)
set -euo pipefail
cd "$(dirname "$0")/.."

out=out/package
rm -rf "$out" out/kpifunctions.zip
mkdir -p "$out"
dotnet publish functions/KpiFunctions.App/KpiFunctions.App.csproj -c Release -p:DebugType=none -o "$out" --nologo -v quiet

# The host indexes the functions from these; a package without them deploys an app with no functions.
for file in host.json functions.metadata worker.config.json KpiFunctions.App.dll; do
  test -f "$out/$file" || { echo "dotnet publish left no $file in $out" >&2; exit 1; }
done

if command -v zip >/dev/null 2>&1; then
  (cd "$out" && zip -qr -X ../kpifunctions.zip .)
else
  python3 - "$out" out/kpifunctions.zip <<'PY'
import os, sys, zipfile
root, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
    for folder, _, files in os.walk(root):
        for f in files:
            path = os.path.join(folder, f)
            info = zipfile.ZipInfo.from_file(path, os.path.relpath(path, root))
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as data:
                z.writestr(info, data.read())
PY
fi
functions=$(python3 -c 'import json,sys;print(len(json.load(open(sys.argv[1]))))' "$out/functions.metadata")
echo "out/kpifunctions.zip: $(du -h out/kpifunctions.zip | cut -f1), $functions functions"
