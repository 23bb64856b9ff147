"""Records that are cheap to define: what ``@dataclass(frozen=True)`` (and ``@dataclass``) give.

dataclasses compiles six methods for each class when its module is imported (~0.4 ms a
class, and importing dataclasses ~5 ms more): the playbook, the plan model, its review
and the gate cost ``plan-review`` ~15 ms of start-up, a third of the whole command on a
100 KB plan (the playbook costs every headless command ~4 ms; the values merge's frozen
records ~4 ms more). A ``FrozenRecord`` subclass compiles one ``__init__``, which writes
the fields straight into the instance's dict (a record of a 10,000-change plan is also
built faster than a frozen dataclass, which calls ``object.__setattr__`` per field);
``__eq__``, ``__hash__`` and ``__repr__`` are shared.

As a frozen dataclass: fields are the class's annotations in order, defaults come from
the class body (immutable values only), equality compares the class and every field,
the hash is that of the fields, and assigning or deleting an attribute raises
``FrozenInstanceError``; ``record.replace(field=…)`` is ``dataclasses.replace``. Not
provided: ``dataclasses.fields``/``asdict`` (no record here needs them) and ``__slots__``
(``functools.cached_property`` works). ``MutableRecord`` is the same without freezing
(fields may be reassigned; unhashable, as a dataclass with ``eq``). Neither dataclasses
nor inspect is imported: a command whose records are all ``FrozenRecord`` or
``MutableRecord`` (``plan-review``, ``values-check``) starts ~5 ms sooner.
"""

from __future__ import annotations

# typing is imported for the type checker only: it costs the headless start-up ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar, Self, dataclass_transform
else:

    def dataclass_transform(**_: object) -> object:
        return lambda cls: cls


_MUTABLE_DEFAULTS = (list, dict, set, bytearray)


def _make_init(cls: type[_Record]) -> Any:
    """``__init__(self, field, …, field=default)``: one compiled function per class."""
    params: list[str] = []
    defaults: dict[str, object] = {}
    for name in cls._fields:
        if name in cls.__dict__ or any(name in base.__dict__ for base in cls.__mro__[1:-1]):
            default = getattr(cls, name)
            if isinstance(default, _MUTABLE_DEFAULTS):
                raise ValueError(f"{cls.__qualname__}.{name}: a mutable default is shared")
            defaults[f"_default_{name}"] = default
            params.append(f"{name}=_default_{name}")
        elif defaults:
            raise TypeError(f"{cls.__qualname__}.{name}: a field without a default follows one")
        else:
            params.append(name)
    body = "\n".join(f"    _fields[{name!r}] = {name}" for name in cls._fields) or "    pass"
    source = f"def __init__(self, {', '.join(params)}):\n    _fields = self.__dict__\n{body}\n"
    namespace: dict[str, Any] = {}
    exec(source, dict(defaults), namespace)  # field names come from the class
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


class _Record:
    """What both kinds of record share: fields from the annotations, equality, repr."""

    _fields: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = [
            name
            # Not inspect.get_annotations: inspect (and dataclasses) cost ~5 ms of start-up.
            for name, hint in cls.__dict__.get("__annotations__", {}).items()  # noqa: RUF063
            if not str(hint).startswith(("ClassVar", "typing.ClassVar"))
        ]
        inherited = [name for name in cls._fields if name not in own]
        cls._fields = (*inherited, *own)
        cls.__match_args__ = cls._fields  # type: ignore[attr-defined,misc]  # as dataclasses
        cls.__init__ = _make_init(cls)  # type: ignore[method-assign]  # from the annotations

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields changed (``dataclasses.replace`` for a record)."""
        return self.__class__(**{**{name: self.__dict__[name] for name in self._fields}, **changes})

    def _values(self) -> tuple[Any, ...]:
        return tuple(self.__dict__[name] for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={self.__dict__[name]!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({fields})"


@dataclass_transform(frozen_default=True, eq_default=True)
class FrozenRecord(_Record):
    """Base of a frozen record: annotate the fields; a default is written in the class body."""

    def __hash__(self) -> int:
        return hash(self._values())

    def __setattr__(self, name: str, value: object) -> None:
        from dataclasses import FrozenInstanceError  # the error path only: see the module doc

        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")


@dataclass_transform(eq_default=True)
class MutableRecord(_Record):
    """Base of a record whose fields may be reassigned (a plain ``@dataclass``: unhashable)."""

    __hash__ = None  # type: ignore[assignment]  # as a dataclass with eq and not frozen
