#!/bin/sh
# Push every image of images.txt that is missing in ECR.
# Sandbox edition: there is no docker here, so the push goes through the
# sandbox's AWS endpoint (AWS_ENDPOINT_URL) with boto3.
set -eu
cd "$(dirname "$0")"
PYTHON="${MOCM_PYTHON:-@@PYTHON@@}"
status=0
while IFS= read -r line || [ -n "$line" ]; do
  image=$(printf '%s' "${line%%#*}" | tr -d '[:space:]')
  [ -z "$image" ] && continue
  "$PYTHON" -m tui.sandbox.seed push-image "$image" || status=1
done < images.txt
exit $status
