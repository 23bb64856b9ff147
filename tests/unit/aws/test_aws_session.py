"""boto3 reaches the endpoint named in the wizard's environment, not os.environ's."""

from __future__ import annotations

import pytest

from tui.core.aws.session import EnvSession
from tui.sandbox.aws_endpoint import AwsEndpoint


def test_clients_use_the_given_environment(
    aws: AwsEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = dict(aws.env)
    for key in aws.env:  # the process environment knows nothing of the endpoint
        monkeypatch.delenv(key, raising=False)
    session = EnvSession(env, region="eu-central-1")
    s3 = session.client("s3")
    s3.create_bucket(
        Bucket="env-session-check",
        CreateBucketConfiguration={"LocationConstraint": "eu-central-1"},
    )
    names = [b["Name"] for b in session.client("s3").list_buckets()["Buckets"]]
    assert names == ["env-session-check"]
    assert session.client("sts").get_caller_identity()["Account"] == "123456789012"


def test_service_specific_endpoint_wins() -> None:
    session = EnvSession(
        {
            "AWS_ENDPOINT_URL": "http://127.0.0.1:1",
            "AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://127.0.0.1:2",
            "AWS_ACCESS_KEY_ID": "k",
            "AWS_SECRET_ACCESS_KEY": "s",
        },
        region="eu-central-1",
    )
    assert session.endpoint("secrets-manager") == "http://127.0.0.1:2"
    assert session.endpoint("s3") == "http://127.0.0.1:1"
    assert session.region_name == "eu-central-1"


@pytest.mark.parametrize(("given", "attempts"), [(None, 4), ("1", 1), ("7", 7), ("zero", 4)])
def test_max_attempts_come_from_the_given_environment(
    monkeypatch: pytest.MonkeyPatch, given: str | None, attempts: int
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "9")  # os.environ is not the wizard's environment
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    if given is not None:
        env["AWS_MAX_ATTEMPTS"] = given
    client = EnvSession(env, region="eu-central-1").client("sts")
    assert client.meta.config.retries == {"total_max_attempts": attempts, "mode": "standard"}
