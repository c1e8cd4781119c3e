"""A YAML file that declares a list of named things — custom PII recognizers, custom
phishing signals — read with line numbers, so that a mistake is reported where it is.
Pure (PyYAML only): the PII detector and the mail analysis use it without Django."""

from __future__ import annotations

from collections.abc import Callable

import yaml


def fail(error: type[Exception], where: str, node: yaml.Node, problem: str):
    raise error(f"{where} line {node.start_mark.line + 1}: {problem}")


def mapping(node: yaml.Node, *, where: str, error: type[Exception], noun: str,
            keys, required, example: str) -> dict[str, yaml.Node]:
    """One list item's ``key: value`` pairs, every key known and the ``required`` ones
    present; ``example`` shows the shape (``"name:, entity:, regex: …"``)."""
    if not isinstance(node, yaml.MappingNode):
        fail(error, where, node, f"each {noun} must be a mapping ({example})")
    fields: dict[str, yaml.Node] = {}
    for key, value in node.value:
        if key.value not in keys:
            fail(error, where, key, f"unknown key {key.value!r}; expected one of "
                 + ", ".join(sorted(keys)))
        fields[key.value] = value
    for key in required:
        if key not in fields:
            fail(error, where, node, f"{noun} is missing {key!r}")
    return fields


def parse_list(source: str, *, where: str, key: str, noun: str, error: type[Exception],
               one: Callable[[str, yaml.Node], object]) -> list:
    """The items of ``source``'s ``<key>:`` list (or of a bare list), each built by
    ``one(where, node)`` and carrying a ``name`` used once; ``error`` names ``where`` and
    the line of the first mistake."""
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        # An unclosed bracket is reported where the file ends: say where it opened too.
        context, opened = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and opened is not None:
            problem += f" ({context} started on line {opened.line + 1})"
        raise error(f"{where}{line}: not valid YAML: {problem}") from None
    if root is None:
        return []
    items = root
    if isinstance(root, yaml.MappingNode):
        top = {k.value: (k, v) for k, v in root.value}
        extra = set(top) - {key}
        if extra:
            node = top[sorted(extra)[0]][0]
            fail(error, where, node, f"unknown top-level key {node.value!r} (expected '{key}')")
        if key not in top:
            fail(error, where, root, f"expected a '{key}:' list")
        items = top[key][1]
    if not isinstance(items, yaml.SequenceNode):
        fail(error, where, items, f"'{key}' must be a list of {key}")
    built, names = [], set()
    for item in items.value:
        thing = one(where, item)
        if thing.name in names:
            fail(error, where, item, f"{noun} name {thing.name!r} is used twice")
        names.add(thing.name)
        built.append(thing)
    return built
