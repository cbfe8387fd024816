"""The OpenAPI document says what the API accepts (scripts/fuzz_api fuzzes the API against it)."""


def _components(spec: dict, operation: dict) -> dict:
    content = operation["requestBody"]["content"]
    (body,) = content.values()
    return spec["components"]["schemas"][body["schema"]["$ref"].rsplit("/", 1)[1]]


def test_the_upload_body_documents_its_title_and_its_file(client):
    spec = client.get("/api/openapi.json").get_json()
    operation = spec["paths"]["/api/videos/upload"]["post"]

    body = _components(spec, operation)
    assert list(operation["requestBody"]["content"]) == ["multipart/form-data"]
    assert set(body["required"]) == {"title", "video_file"}
    assert body["properties"]["video_file"]["format"] == "binary"
    assert "507" in operation["responses"]


def test_signup_documents_the_password_minimum_and_a_profile_patch_may_be_empty(client):
    spec = client.get("/api/openapi.json").get_json()

    signup = _components(spec, spec["paths"]["/api/auth/signup"]["post"])
    assert signup["properties"]["password1"]["minLength"] == 8
    assert spec["paths"]["/api/auth/me"]["patch"]["requestBody"].get("required", False) is False
