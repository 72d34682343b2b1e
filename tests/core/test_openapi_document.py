"""The OpenAPI document is valid OpenAPI 3 as a whole (clients generate code from it), and the CSV imports are
described as one multipart/form-data request body holding the file and its note."""

from openapi_spec_validator import validate

IMPORTS = {"/api/v1/programmes/{programme_id}/rates/import": {"file", "note"},
           "/api/v1/schemes/{scheme_id}/seasons/{season_id}/premium-rates/import": {"file", "note"},
           "/api/v1/translations/imports": {"file", "reviewer", "locale"},
           "/api/v1/performance/imports": {"file", "programme_id"}}


def _document(client) -> dict:
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    return r.get_json()


def test_the_openapi_document_is_valid(client):
    validate(_document(client))  # raises, naming the first place that breaks the specification


def test_imports_take_one_multipart_body_with_the_file_and_its_fields(client):
    spec = _document(client)
    for path, names in IMPORTS.items():
        operation = spec["paths"][path]["post"]
        assert all(p["in"] in ("path", "query", "header", "cookie") for p in operation.get("parameters", []))
        (media, body), = operation["requestBody"]["content"].items()
        schema = spec["components"]["schemas"][body["schema"]["$ref"].rsplit("/", 1)[-1]]
        assert media == "multipart/form-data"
        assert schema["properties"]["file"] == {**schema["properties"]["file"], "type": "string", "format": "binary"}
        assert set(schema["properties"]) == names and "file" in schema["required"]
