"""hashicorp/random's ``random_password`` and ``random_string``, served to Terraform over the
plugin protocol (v6) by the ``tf`` framework: the machine's mirror has no random provider.

The schema is the one hashicorp/random 3.6 declares (schema version 3): every argument forces
a new password, ``result`` and ``bcrypt_hash`` are sensitive and computed, ``id`` is "none".
Run by Terraform through the wrapper script :mod:`tui.sandbox.engine.mirror` writes.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from tf import runner
from tf.iface import (
    Config,
    CreateContext,
    DataSource,
    DeleteContext,
    ImportContext,
    Provider,
    ReadContext,
    Resource,
    State,
    UpdateContext,
)
from tf.schema import Attribute, Schema
from tf.types import Bool, Map, Number, String, Unknown
from tf.utils import Diagnostics

PROVIDER_ADDRESS = "registry.terraform.io/hashicorp/random"
PROVIDER_VERSION = "3.6.3"  # the version whose random_password schema this serves
DEFAULT_SPECIAL = "!@#$%&*()-_=+[]{}<>:?"
SCHEMA_VERSION = 3
_CLASSES = (
    ("upper", "min_upper", string.ascii_uppercase),
    ("lower", "min_lower", string.ascii_lowercase),
    ("numeric", "min_numeric", string.digits),
)


def _schema(*, sensitive: bool) -> Schema:
    def forces(name: str, kind: Any, default: Any) -> Attribute:
        return Attribute(
            name, kind, optional=True, computed=True, default=default, requires_replace=True
        )

    attributes = [
        Attribute("id", String(), computed=True),
        Attribute("keepers", Map(String()), optional=True, requires_replace=True),
        Attribute("length", Number(), required=True, requires_replace=True),
        forces("special", Bool(), True),
        forces("upper", Bool(), True),
        forces("lower", Bool(), True),
        forces("numeric", Bool(), True),
        Attribute(
            "number",
            Bool(),
            optional=True,
            computed=True,
            default=True,
            requires_replace=True,
            deprecated=True,
        ),
        forces("min_numeric", Number(), 0),
        forces("min_upper", Number(), 0),
        forces("min_lower", Number(), 0),
        forces("min_special", Number(), 0),
        Attribute("override_special", String(), optional=True, requires_replace=True),
        Attribute("result", String(), computed=True, sensitive=sensitive),
    ]
    if sensitive:
        attributes.append(Attribute("bcrypt_hash", String(), computed=True, sensitive=True))
    return Schema(version=SCHEMA_VERSION, attributes=attributes)


def generate(settings: dict[str, Any]) -> str:
    """A password as hashicorp/random makes one: the minimums first, then any allowed
    character, shuffled; ``secrets`` is the cryptographic generator."""
    length = int(settings["length"])
    special = settings.get("override_special") or DEFAULT_SPECIAL
    pools: list[tuple[str, int]] = [
        (chars, int(settings.get(minimum) or 0))
        for flag, minimum, chars in _CLASSES
        if settings.get(flag) is not False
    ]
    if settings.get("special") is not False:
        pools.append((special, int(settings.get("min_special") or 0)))
    alphabet = "".join(chars for chars, _ in pools)
    if not alphabet:
        raise ValueError("every character class is disabled: nothing to choose from")
    picked = [secrets.choice(chars) for chars, count in pools for _ in range(count)]
    picked += [secrets.choice(alphabet) for _ in range(max(0, length - len(picked)))]
    for i in range(len(picked) - 1, 0, -1):
        j = secrets.randbelow(i + 1)
        picked[i], picked[j] = picked[j], picked[i]
    return "".join(picked)


def _validate(diags: Diagnostics, type_name: str, config: Config) -> None:
    length = config.get("length")
    if not isinstance(length, int | float) or length is Unknown:
        return
    minimums = sum(
        int(config.get(name) or 0)
        for name in ("min_upper", "min_lower", "min_numeric", "min_special")
        if isinstance(config.get(name), int | float)
    )
    if length < 1:
        diags.add_error(f"{type_name}: length must be at least 1", path=["length"])
    elif length < minimums:
        diags.add_error(
            f"{type_name}: length ({int(length)}) is less than the sum of the min_* "
            f"attributes ({minimums})",
            path=["length"],
        )


class _RandomText(Resource):  # type: ignore[misc]  # tf ships no type hints: Any base
    """What random_password and random_string share; the subclasses name and mark them."""

    sensitive = False

    def __init__(self, provider: RandomProvider) -> None:
        self.provider = provider

    @classmethod
    def get_schema(cls) -> Schema:
        return _schema(sensitive=cls.sensitive)

    def validate(self, diags: Diagnostics, type_name: str, config: Config) -> None:
        super().validate(diags, type_name, config)
        _validate(diags, type_name, config)

    def create(self, ctx: CreateContext, planned: State) -> State:
        state = dict(planned)
        try:
            state["result"] = generate(state)
        except ValueError as exc:
            ctx.diagnostics.add_error(f"{ctx.type_name}: {exc}")
            return planned
        state["id"] = "none" if self.sensitive else state["result"]
        if self.sensitive:
            import bcrypt

            state["bcrypt_hash"] = bcrypt.hashpw(
                state["result"].encode(), bcrypt.gensalt()
            ).decode()
        return state

    def read(self, ctx: ReadContext, current: State) -> State:
        return current

    def update(self, ctx: UpdateContext, current: State, planned: State) -> State:
        return {**planned, "result": current["result"], "id": current["id"]}

    def delete(self, ctx: DeleteContext, current: State) -> None:
        return None

    def import_(self, ctx: ImportContext, id: str) -> State:
        state: dict[str, Any] = {
            "length": len(id),
            "special": True,
            "upper": True,
            "lower": True,
            "numeric": True,
            "number": True,
            "min_numeric": 0,
            "min_upper": 0,
            "min_lower": 0,
            "min_special": 0,
            "override_special": None,
            "keepers": None,
            "result": id,
            "id": "none" if self.sensitive else id,
        }
        if self.sensitive:
            import bcrypt

            state["bcrypt_hash"] = bcrypt.hashpw(id.encode(), bcrypt.gensalt()).decode()
        return state


class RandomPassword(_RandomText):
    sensitive = True

    @classmethod
    def get_name(cls) -> str:
        return "password"


class RandomString(_RandomText):
    @classmethod
    def get_name(cls) -> str:
        return "string"


class RandomProvider(Provider):  # type: ignore[misc]  # tf ships no type hints: Any base
    """The provider block of hashicorp/random: no arguments."""

    def get_model_prefix(self) -> str:
        return "random_"

    def full_name(self) -> str:
        return PROVIDER_ADDRESS

    def get_provider_schema(self, diags: Diagnostics) -> Schema:
        return Schema(version=0, attributes=[])

    def validate_config(self, diags: Diagnostics, config: Config) -> None:
        return None

    def configure_provider(self, diags: Diagnostics, config: Config) -> None:
        return None

    def get_data_sources(self) -> list[type[DataSource]]:
        return []

    def get_resources(self) -> list[type[Resource]]:
        return [RandomPassword, RandomString]

    def new_resource(self, klass: type[Resource]) -> Resource:
        return klass(self)


def main() -> None:
    runner.run_provider(RandomProvider())


if __name__ == "__main__":
    main()
