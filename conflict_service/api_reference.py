"""The API's reference page, read from the OpenAPI document: every operation with its parameters, request body
and answers, as a plain server-rendered page (keyboard, screen readers and a phone on a slow link all work, no
script). Swagger UI's operation headers nest buttons inside buttons and its colours fail contrast (WCAG 2.1 AA);
API clients read ``/api/v1/openapi.json`` itself for anything interactive."""

from __future__ import annotations

METHODS = ("get", "post", "put", "patch", "delete")


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _type(schema: dict) -> str:
    if "$ref" in schema:
        return _ref_name(schema["$ref"])
    if schema.get("type") == "array":
        return f"array of {_type(schema.get('items', {}))}"
    if "allOf" in schema or "oneOf" in schema or "anyOf" in schema:
        parts = schema.get("allOf") or schema.get("oneOf") or schema.get("anyOf")
        return " | ".join(_type(part) for part in parts)
    kind = schema.get("type", "object")
    if schema.get("format"):
        kind += f" ({schema['format']})"
    if schema.get("enum"):
        kind += ": " + ", ".join(str(v) for v in schema["enum"] if v is not None)
    return kind


def _fields(spec: dict, schema: dict) -> dict | None:
    """A schema's name and its properties (name, type, required, description), for a request or answer body."""
    if "$ref" not in schema:
        return {"name": _type(schema), "fields": []} if schema else None
    name = _ref_name(schema["$ref"])
    body = spec["components"]["schemas"].get(name, {})
    required = set(body.get("required", []))
    fields = [{"name": key, "type": _type(value), "required": key in required,
               "description": value.get("description", ""), "read_only": value.get("readOnly", False)}
              for key, value in body.get("properties", {}).items()]
    return {"name": name, "fields": fields}


def _body(spec: dict, content: dict | None) -> dict | None:
    for media, value in (content or {}).items():
        found = _fields(spec, value.get("schema", {}))
        if found:
            found["media"] = media
        return found
    return None


def _answers(spec: dict, responses: dict) -> list[dict]:
    out = []
    for code, answer in responses.items():
        if "$ref" in answer:
            answer = spec["components"]["responses"].get(_ref_name(answer["$ref"]), {})
        body = _body(spec, answer.get("content"))
        out.append({"code": code, "description": answer.get("description", ""),
                    "schema": body["name"] if body else None})
    return out


def operations(spec: dict) -> list[dict]:
    """The document's tags in order, each with its operations: what the reference page shows."""
    tags = {tag["name"]: {"name": tag["name"], "description": tag.get("description", ""), "operations": []}
            for tag in spec.get("tags", [])}
    for path, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            tag = tags.setdefault(op.get("tags", ["Other"])[0], {"name": op.get("tags", ["Other"])[0],
                                                                 "description": "", "operations": []})
            tag["operations"].append({
                "id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", "").strip("-"),
                "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                "description": op.get("description", ""), "secured": bool(op.get("security", spec.get("security"))),
                "parameters": [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                                "type": _type(p.get("schema", {})), "description": p.get("description", "")}
                               for p in [*shared, *op.get("parameters", [])]],
                "body": _body(spec, op.get("requestBody", {}).get("content")),
                "answers": _answers(spec, op.get("responses", {})),
            })
    return [tag for tag in tags.values() if tag["operations"]]
