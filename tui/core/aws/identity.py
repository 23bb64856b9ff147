"""Who the wizard is in AWS, in a few words: the principal of an STS caller ARN.

``arn:aws:sts::123456789012:assumed-role/Admin/jane`` reads ``role/Admin (jane)``;
an IAM user ``user/ops`` (its path dropped); the account's root ``root``.
"""

from __future__ import annotations

ARN_FIELDS = 6  # arn:partition:service:region:account:resource


def short_principal(arn: str) -> str:
    """The principal's short form; an ARN that is not one is returned as given."""
    fields = arn.split(":", ARN_FIELDS - 1)
    if len(fields) < ARN_FIELDS or fields[0] != "arn":
        return arn
    resource = fields[-1]
    kind, _, rest = resource.partition("/")
    names = [part for part in rest.split("/") if part]
    if kind == "assumed-role" and names:
        session = f" ({names[1]})" if len(names) > 1 else ""
        return f"role/{names[0]}{session}"
    if kind in ("user", "role", "federated-user") and names:
        return f"{kind}/{names[-1]}"  # an IAM path (/team/ops/) says nothing here
    return resource or arn
