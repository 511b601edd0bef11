"""Validating user input files with pydantic: every error becomes one `Problem`.

The scenario, the sensitivity problem file and the calibration targets file all go
through `validate`, so their messages share one format (DESIGN section 4): the file,
the dotted key path (`strategy.communication.0.channel`: list items by their index, as
the UI's field lookup expects), the bad value and what is allowed.

A validator that knows better than pydantic what is allowed raises `invalid(...)`: its
message, allowed values and (for a check across keys) the key it is about reach the user.
"""

from __future__ import annotations

import re
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from model.errors import Problem, ScenarioError


def validate(tp: Any, data: Any, source: str, prefix: tuple = ()) -> Any:
    """`data` validated as `tp` (a pydantic model or any type); else a ScenarioError.

    prefix: the key path of `data` inside its file, put in front of every key.
    """
    try:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return tp.model_validate(data)
        return TypeAdapter(tp).validate_python(data)
    except ValidationError as exc:
        raise ScenarioError([problem(source, err, tp, prefix) for err in exc.errors()]) from None


def invalid(
    message: str, allowed: str, key: str | None = None, value: Any = None
) -> PydanticCustomError:
    """An error for a validator to raise; a check over a whole table names the `key`
    (a dotted path below the table) and the `value` it is about."""
    ctx: dict[str, Any] = {"message": message, "allowed": allowed}
    if key is not None:
        ctx["key"], ctx["value"] = key, value
    return PydanticCustomError("invalid", "{message}", ctx)


def key_path(loc: tuple) -> str:
    """("parameter", 0, "bounds") -> "parameter.0.bounds"."""
    return ".".join(str(part) for part in loc)


def problem(source: str, err: Any, root: Any, prefix: tuple = ()) -> Problem:
    """One pydantic error as a Problem; `root` is the validated type (for key lists)."""
    loc = tuple(err["loc"])
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if "key" in ctx:
        loc = (*loc, ctx["key"])
    tags: set[int] = set()  # positions of tagged-union branch names: not keys of the file
    _walk(root, loc, tags)
    where = key_path((*prefix, *(p for i, p in enumerate(loc) if i not in tags)))
    if kind == "extra_forbidden":
        parent = _walk(root, loc[:-1])
        known = (
            ", ".join(parent[0].model_fields)
            if parent and isinstance(parent[0], type) and issubclass(parent[0], BaseModel)
            else "see the documentation of this file"
        )
        return Problem(source, where, err.get("input"), f"one of the keys {known}", "unknown key")
    if kind == "missing":
        found = _walk(root, loc)
        what = describe(found[0]) if found else "a value"
        return Problem(source, where, None, f"{what} (required)", "missing key")
    if "allowed" in ctx:
        value = ctx["value"] if "key" in ctx else err.get("input")
        return Problem(source, where, value, ctx["allowed"], ctx["message"])
    if kind == "value_error":  # a model validator: its message says what is allowed
        rule = str(err["msg"]).removeprefix("Value error, ")
        value = err.get("input")
        head, sep, rest = rule.partition(": ")
        if not where and sep and re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", head):
            # a whole-file check that names its key: show that key and its value
            where, rule = head, rest
            for part in head.split("."):
                value = value.get(part) if isinstance(value, dict) else None
        return Problem(source, where, value, rule, "inconsistent values")
    if kind in TYPE_WORDS:
        allowed = TYPE_WORDS[kind]
    elif kind == "literal_error":
        allowed = "one of " + str(ctx.get("expected", ""))
    elif "ge" in ctx or "le" in ctx or "gt" in ctx or "lt" in ctx:
        # pydantic names only the violated bound: report the field's whole range
        bounds = _declared_bounds(root, loc) or ctx
        lo = bounds.get("ge", bounds.get("gt"))
        hi = bounds.get("le", bounds.get("lt"))
        left = "(" if "gt" in bounds or lo is None else "["
        right = ")" if "lt" in bounds or hi is None else "]"
        lo = "-inf" if lo is None else lo
        hi = "inf" if hi is None else hi
        allowed = f"a number in {left}{lo}, {hi}{right}"
    else:
        allowed = err["msg"]
    return Problem(source, where, err.get("input"), allowed, err["msg"])


def describe(tp: Any) -> str:
    """A few words for a declared type (for "missing key" messages)."""
    tp = _unwrap(tp, [])
    origin = get_origin(tp)
    if origin is list:
        return "a list [...]"
    if origin is dict or (isinstance(tp, type) and issubclass(tp, BaseModel)):
        return "a table {...}"
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(tp))
    return {int: "an integer", float: "a number", str: "text in quotes", bool: "true or false"}.get(
        tp, "a value"
    )


def _unwrap(tp: Any, meta: list) -> Any:
    """Strip Annotated (collecting its constraints into `meta`) and `X | None`."""
    while True:
        if get_origin(tp) is Annotated:
            args = get_args(tp)
            for m in args[1:]:
                meta.extend(getattr(m, "metadata", [m]))
            tp = args[0]
        elif get_origin(tp) in (Union, UnionType):
            rest = [a for a in get_args(tp) if a is not type(None)]
            if len(rest) != 1:
                return tp
            tp = rest[0]
        else:
            return tp


def _walk(root: Any, loc: tuple, tags: set[int] | None = None) -> tuple[Any, list] | None:
    """The declared type (and its constraints) of the key at `loc` below `root`.

    tags: collects the positions in `loc` that name a branch of a tagged union.
    """
    tp: Any = root
    meta: list = []
    for i, part in enumerate(loc):
        tp = _unwrap(tp, meta)
        if get_origin(tp) in (Union, UnionType):
            branch = _branch(tp, part)
            if branch is None:
                return None
            if tags is not None:
                tags.add(i)
            tp, meta = branch, []
        elif isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(str(part))
            if field is None:
                return None
            tp, meta = field.annotation, list(field.metadata)
        elif get_origin(tp) is dict:
            tp, meta = get_args(tp)[1], []
        elif get_origin(tp) is list and isinstance(part, int):
            tp, meta = get_args(tp)[0], []
        else:
            return None
    return _unwrap(tp, meta), meta


def _branch(union: Any, tag: Any) -> Any:
    """The member of a tagged union (`Annotated[X, Tag(tag)]`) named `tag`, if any."""
    for member in get_args(union):
        if get_origin(member) is Annotated:
            if any(getattr(m, "tag", None) == tag for m in get_args(member)[1:]):
                return member
    return None


def _declared_bounds(root: Any, loc: tuple) -> dict[str, Any] | None:
    """The numeric bounds (ge/gt/le/lt) declared for the key at `loc`."""
    found = _walk(root, loc)
    if found is None:
        return None
    bounds = {k: getattr(m, k) for m in found[1] for k in ("ge", "gt", "le", "lt") if hasattr(m, k)}
    return bounds or None


TYPE_WORDS = {
    "int_type": "an integer (whole number)",
    "int_parsing": "an integer (whole number)",
    "int_from_float": "an integer (whole number)",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text in quotes",
    "list_type": "a list [...]",
    "dict_type": "a table {...}",
    "model_type": "a table {...}",
    "model_attributes_type": "a table {...}",
}
