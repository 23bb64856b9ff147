"""The principal's short form the banner shows, from the ARNs STS returns."""

from __future__ import annotations

import pytest

from tui.core.aws.identity import short_principal


@pytest.mark.parametrize(
    ("arn", "short"),
    [
        ("arn:aws:sts::123456789012:assumed-role/Admin/jane.doe", "role/Admin (jane.doe)"),
        (
            "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Ops_0a1b/jane",
            "role/AWSReservedSSO_Ops_0a1b (jane)",
        ),
        ("arn:aws:iam::123456789012:user/ops", "user/ops"),
        ("arn:aws:iam::123456789012:user/team/platform/ops", "user/ops"),
        ("arn:aws:iam::123456789012:root", "root"),
        ("arn:aws-cn:sts::123456789012:federated-user/bob", "federated-user/bob"),
        ("arn:aws:sts::123456789012:user/moto", "user/moto"),  # moto's answer
        ("not an arn", "not an arn"),
        ("", ""),
    ],
)
def test_short_principal(arn: str, short: str) -> None:
    assert short_principal(arn) == short
