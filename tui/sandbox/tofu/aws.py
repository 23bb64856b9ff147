"""The stand-in's AWS clients: botocore's, made the way `boto3.client` makes them.

`boto3.client(name, region_name=…)` is `Session().client(…)`, which is botocore's
`Session.create_client` with the same arguments: the same client class, credentials,
`AWS_ENDPOINT_URL` and error texts. Making it through botocore directly spares each run
boto3's resource layer and s3transfer (~45 ms of CPU of the ~0.2 s an S3 run spends
loading the SDK); nothing the stand-in calls changes.
"""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def _session() -> Any:
    """One botocore session per run."""
    import botocore.session

    return botocore.session.get_session()


def client(service: str, region: str | None, config: Any = None) -> Any:
    """A client of `service`."""
    return _session().create_client(service, region_name=region, config=config)
