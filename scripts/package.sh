#!/usr/bin/env bash
# Assembles the deployable Functions app: host.json, one folder per function (app/*/function.json) and the custom
# handler as a self-contained linux-x64 executable, in out/package/, zipped to out/kpifunctions.zip with the
# handler's execute bit kept (a zip made on Windows would lose it; reference digest 0.9).
#   scripts/package.sh            (then deploy out/kpifunctions.zip: infra/README.md gives the az commands)
set -euo pipefail
cd "$(dirname "$0")/.."

out=out/package
rm -rf "$out" out/kpifunctions.zip
mkdir -p "$out"
dotnet publish functions/KpiFunctions.App/KpiFunctions.App.csproj -c Release -r linux-x64 --self-contained true \
  -p:DebugType=none -o "$out" --nologo -v quiet
cp host.json "$out/"
for dir in app/*/; do
  name=$(basename "$dir")
  mkdir -p "$out/$name"
  cp "$dir/function.json" "$out/$name/"
done
chmod +x "$out/KpiFunctions.App"

# The host starts host.json's defaultExecutablePath from the app root; check it is there and runs.
test -x "$out/$(python3 -c 'import json;print(json.load(open("host.json"))["customHandler"]["description"]["defaultExecutablePath"])')"

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
echo "out/kpifunctions.zip: $(du -h out/kpifunctions.zip | cut -f1), $(ls -d "$out"/*/ | wc -l) functions"
