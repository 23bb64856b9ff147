#!/bin/sh
# Push every image of images.txt that is missing in ECR.
# Sandbox edition: there is no docker here, so the push goes through the
# sandbox's AWS endpoint (AWS_ENDPOINT_URL) with boto3.
set -eu
cd "$(dirname "$0")"
PYTHON="${MOCM_PYTHON:-@@PYTHON@@}"
set -f  # an image reference is never a file pattern
images=""
while IFS= read -r line || [ -n "$line" ]; do
  image=$(printf '%s' "${line%%#*}" | tr -d '[:space:]')
  [ -z "$image" ] && continue
  images="$images $image"
done < images.txt
[ -z "$images" ] && exit 0
# One process pushes them in turn (one line each; exit 1 if any failed): Python and boto3
# start once, not once per image.
# $images unquoted: one word per image.
exec "$PYTHON" -m tui.sandbox.seed push-image $images
