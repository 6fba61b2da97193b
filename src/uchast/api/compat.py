"""Does a new OpenAPI document break clients of the committed one? (issue 18, stable contracts)

Pure: two schema dicts in, a list of breaking changes out, each a line a person can act on. Breaking
is what makes a working client fail: an operation gone, a response field gone or its type changed,
a request parameter or body field newly required, an accepted type or enum value no longer
accepted. Additions (operations, optional parameters, response fields) are not breaking.
"""

from __future__ import annotations

from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")


def _resolve(schema: dict[str, Any], node: Any, depth: int = 0) -> Any:
    """``node`` with ``$ref``s to components replaced (recursion stops at depth 12)."""
    if depth > 12 or not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        return _resolve(schema, schema["components"]["schemas"][name], depth + 1)
    return node


def _types(node: dict[str, Any]) -> set[str]:
    """The JSON types a schema accepts ("any" when it does not say)."""
    if "anyOf" in node or "oneOf" in node:
        found: set[str] = set()
        for option in node.get("anyOf", node.get("oneOf", [])):
            found |= _types(option) if "$ref" not in option else {"object"}
        return found
    kind = node.get("type")
    if kind is None:
        return {"object"} if "properties" in node else {"any"}
    return set(kind) if isinstance(kind, list) else {kind}


def _narrowed(old: dict[str, Any], new: dict[str, Any], where: str, *, request: bool) -> list[str]:
    problems: list[str] = []
    old_types, new_types = _types(old), _types(new)
    # A request may send what it sent before (the new accepts at least the old types); a response
    # may hold only what a client already handles (the new types are among the old ones).
    if request:
        narrowed = "any" not in new_types and not old_types <= new_types
    else:
        narrowed = "any" not in old_types and not new_types <= old_types
    if narrowed:
        problems.append(f"{where}: type {sorted(old_types)} became {sorted(new_types)}")
    if "enum" in old and "enum" in new:
        lost = set(old["enum"]) - set(new["enum"])
        if request and lost:
            problems.append(f"{where}: values no longer accepted: {sorted(map(str, lost))}")
        added = set(new["enum"]) - set(old["enum"])
        if not request and added:
            problems.append(f"{where}: new values a client does not expect: {sorted(map(str, added))}")
    return problems


Docs = tuple[dict[str, Any], dict[str, Any]]


def _compare(docs: Docs, old: Any, new: Any, where: str, *, request: bool) -> list[str]:
    old, new = _resolve(docs[0], old), _resolve(docs[1], new)
    if not isinstance(old, dict) or not isinstance(new, dict):
        return []
    problems = _narrowed(old, new, where, request=request)
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name, old_prop in old_props.items():
        if name not in new_props:
            if not request:
                problems.append(f"{where}.{name}: field removed")
            continue
        problems += _compare(docs, old_prop, new_props[name], f"{where}.{name}", request=request)
    if request:
        for name in set(new.get("required", [])) - set(old.get("required", [])):
            problems.append(f"{where}.{name}: newly required")
    else:
        for name in set(old.get("required", [])) - set(new.get("required", [])):
            problems.append(f"{where}.{name}: no longer always present")
    if "items" in old and "items" in new:
        problems += _compare(docs, old["items"], new["items"], f"{where}[]", request=request)
    return problems


def _body(operation: dict[str, Any], key: str = "requestBody") -> Any:
    return operation.get(key, {}).get("content", {}).get("application/json", {}).get("schema")


def _parameters(docs: Docs, old: dict[str, Any], new: dict[str, Any], label: str) -> list[str]:
    problems: list[str] = []
    old_params = {(p["in"], p["name"]): p for p in old.get("parameters", [])}
    new_params = {(p["in"], p["name"]): p for p in new.get("parameters", [])}
    for key, param in new_params.items():
        before = old_params.get(key)
        if before is None:
            if param.get("required"):
                problems.append(f"{label}: new required parameter {key[1]}")
            continue
        if param.get("required") and not before.get("required"):
            problems.append(f"{label}: parameter {key[1]} newly required")
        problems += _compare(docs, before.get("schema"), param.get("schema"), f"{label} ?{key[1]}", request=True)
    problems += [f"{label}: parameter {key[1]} removed" for key in set(old_params) - set(new_params)]
    return problems


def _responses(docs: Docs, old: dict[str, Any], new: dict[str, Any], label: str) -> list[str]:
    problems: list[str] = []
    for status, response in old.get("responses", {}).items():
        if not status.startswith("2"):
            continue
        after = new.get("responses", {}).get(status)
        if after is None:
            problems.append(f"{label}: response {status} removed")
            continue
        old_schema = response.get("content", {}).get("application/json", {}).get("schema")
        new_schema = after.get("content", {}).get("application/json", {}).get("schema")
        problems += _compare(docs, old_schema, new_schema, f"{label} → {status}", request=False)
    return problems


def _operation(docs: Docs, old: dict[str, Any], new: dict[str, Any], label: str) -> list[str]:
    problems = _parameters(docs, old, new, label)
    if _body(old) is None:
        if _body(new) is not None and new.get("requestBody", {}).get("required"):
            problems.append(f"{label}: a body is now required")
    else:
        problems += _compare(docs, _body(old), _body(new), f"{label} body", request=True)
    return problems + _responses(docs, old, new, label)


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for path, operations in old.get("paths", {}).items():
        for method in METHODS:
            if method not in operations:
                continue
            label = f"{method.upper()} {path}"
            after = new.get("paths", {}).get(path, {}).get(method)
            if after is None:
                problems.append(f"{label}: operation removed")
                continue
            problems += _operation((old, new), operations[method], after, label)
    return problems
