"""Writes ec2-before-amis-stamp.jsonl: a demo endpoint's recording as the endpoint of commit
ac1b0a3 made it (moto's default AMIs loaded, no ``X-Mocm-Amis`` stamp), and prints the ids
it answered. Run with that commit's ``tui`` first on the path:

    git archive ac1b0a3 tui | tar -x -C /tmp/old
    PYTHONPATH=/tmp/old .venv/bin/python tests/data/recordings/make_ec2_before_amis_stamp.py OUT
"""

import json
import sys
from pathlib import Path

import boto3

from tui.sandbox.aws_endpoint import start_endpoint

recording = Path(sys.argv[1])
recording.unlink(missing_ok=True)
recording.touch()
endpoint = start_endpoint(recording=recording)
ec2 = boto3.client(
    "ec2",
    region_name="eu-central-1",
    endpoint_url=endpoint.url,
    aws_access_key_id="testing",
    aws_secret_access_key="testing",
)
volume = ec2.create_volume(AvailabilityZone="eu-central-1a", Size=8)  # the first EC2 request
snapshot = ec2.create_snapshot(VolumeId=volume["VolumeId"], Description="before the AMIs stamp")
print(json.dumps({"VolumeId": volume["VolumeId"], "SnapshotId": snapshot["SnapshotId"]}))
endpoint.stop()
