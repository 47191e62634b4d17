"""The hand-written OpenAPI description (``spec/wcs.yaml``) and what is generated from it."""

from __future__ import annotations

import filecmp
import importlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from tests.generation import generate_client

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "wcs.yaml"
GENERATED = ROOT / "generated" / "wcs_client"

# operationId -> (tag, method, path): every endpoint of the WCS wire protocol.
OPERATIONS: dict[str, tuple[str, str, str]] = {
    "upload_file": ("upload", "post", "/file/upload"),
    "make_block": ("upload", "post", "/mkblk/{blockSize}/{blockIndex}"),
    "put_chunk": ("upload", "post", "/bput/{ctx}/{offset}"),
    "make_file": ("upload", "post", "/mkfile/{fileSize}"),
    "make_file_typed": ("upload", "post", "/mkfile/{fileSize}/mimeType/{mimeType}"),
    "list_buckets": ("manage", "get", "/bucket/list"),
    "list_objects": ("manage", "get", "/list"),
    "bucket_stat": ("manage", "get", "/bucket/stat"),
    "bucket_statistics": ("manage", "get", "/bucket/statistics"),
    "stat_object": ("manage", "get", "/stat/{entry}"),
    "delete_object": ("manage", "post", "/delete/{entry}"),
    "move_object": ("manage", "post", "/move/{source}/{destination}"),
    "copy_object": ("manage", "post", "/copy/{source}/{destination}"),
    "set_deadline": ("manage", "post", "/setdeadline"),
    "image_detect": ("manage", "post", "/imageDetect"),
    "fmgr_move": ("manage", "post", "/fmgr/move"),
    "fmgr_copy": ("manage", "post", "/fmgr/copy"),
    "fmgr_fetch": ("manage", "post", "/fmgr/fetch"),
    "fmgr_delete": ("manage", "post", "/fmgr/delete"),
    "fmgr_delete_prefix": ("manage", "post", "/fmgr/deletePrefix"),
    "fmgr_delete_m3u8": ("manage", "post", "/fmgr/deletem3u8"),
    "fmgr_compress": ("manage", "post", "/fmgr/compress"),
    "fmgr_status": ("manage", "get", "/fmgr/status"),
    "fops_execute": ("manage", "post", "/fops"),
    "fops_status": ("manage", "get", "/status/get/prefop"),
    "wslive_list": ("manage", "get", "/wslive/list"),
}
UNAUTHENTICATED = {"fmgr_status", "fops_status"}
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


@pytest.fixture(scope="module")
def spec() -> Mapping[str, Any]:
    document, _ = read_from_filename(str(SPEC))
    return document


def operations(spec: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def resolve(spec: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in node:
        ref: str = node["$ref"]
        assert ref.startswith("#/"), ref
        target: Any = spec
        for part in ref[2:].split("/"):
            target = target[part]
        node = target
    return node


def parameters(spec: Mapping[str, Any], operation_id: str) -> list[Mapping[str, Any]]:
    _, method, path = OPERATIONS[operation_id]
    operation = spec["paths"][path][method]
    return [resolve(spec, p) for p in operation.get("parameters", [])]


def test_spec_is_valid_openapi(spec: Mapping[str, Any]) -> None:
    validate(spec)
    assert str(spec["openapi"]).startswith("3.")


def test_every_endpoint_is_described(spec: Mapping[str, Any]) -> None:
    found = {
        operation["operationId"]: (operation["tags"], method, path)
        for path, method, operation in operations(spec)
    }
    assert set(found) == set(OPERATIONS)
    for operation_id, (tag, method, path) in OPERATIONS.items():
        assert found[operation_id] == ([tag], method, path)


def test_security_per_operation(spec: Mapping[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert schemes["ManagementToken"]["type"] == "apiKey"
    assert schemes["ManagementToken"]["in"] == "header"
    assert schemes["ManagementToken"]["name"] == "Authorization"
    for _, _, operation in operations(spec):
        operation_id = operation["operationId"]
        # Explicit on every operation: the generated client decides on this alone.
        assert "security" in operation, operation_id
        if OPERATIONS[operation_id][0] == "upload" or operation_id in UNAUTHENTICATED:
            assert operation["security"] == [], operation_id
        else:
            assert operation["security"] == [{"ManagementToken": []}], operation_id


def test_upload_paths_go_to_the_upload_host(spec: Mapping[str, Any]) -> None:
    assert {s["url"] for s in spec["servers"]} == {"{scheme}://{mgrHost}", "{scheme}://{putHost}"}
    for operation_id, (tag, _, path) in OPERATIONS.items():
        servers = spec["paths"][path].get("servers")
        if tag == "upload":
            assert servers is not None, operation_id
            assert [s["url"] for s in servers] == ["{scheme}://{putHost}"], operation_id
        else:
            assert servers is None, operation_id


def test_upload_token_headers(spec: Mapping[str, Any]) -> None:
    for operation_id in ("make_block", "put_chunk", "make_file"):
        headers = {p["name"]: p for p in parameters(spec, operation_id) if p["in"] == "header"}
        assert set(headers) == {"Authorization", "uploadBatch", "x-wos-traffic-limit"}
        assert headers["Authorization"]["required"] is True
        assert headers["x-wos-traffic-limit"]["schema"]["type"] == "integer"


@pytest.mark.parametrize(
    ("operation_id", "names"),
    [
        (
            "list_objects",
            ["bucket", "marker", "limit", "prefix", "mode", "startTime", "endTime"],
        ),
        ("bucket_stat", ["name", "startdate", "enddate", "isListDetails", "storageType"]),
        ("bucket_statistics", ["name", "type", "startdate", "enddate"]),
        ("wslive_list", ["channelname", "startTime", "endTime", "bucket", "start", "limit"]),
        ("fmgr_status", ["persistentId"]),
        ("fops_status", ["persistentId"]),
    ],
)
def test_query_parameters_in_wire_order(
    spec: Mapping[str, Any], operation_id: str, names: list[str]
) -> None:
    query = [p["name"] for p in parameters(spec, operation_id) if p["in"] == "query"]
    assert query == names


@pytest.mark.parametrize(
    ("schema", "names", "required"),
    [
        ("FmgrRequest", ["fops", "notifyURL", "separate", "force"], ["fops"]),
        (
            "FopsRequest",
            ["bucket", "key", "fops", "notifyURL", "force", "separate"],
            ["bucket", "key", "fops"],
        ),
        (
            "SetDeadlineForm",
            ["bucket", "key", "deadline", "relevance"],
            ["bucket", "key", "deadline"],
        ),
        ("ImageDetectForm", ["image", "type", "bucket"], ["image", "type", "bucket"]),
        ("UploadFileForm", ["token", "file", "key", "mimeType", "deadline"], ["token", "file"]),
    ],
)
def test_request_bodies_in_wire_order(
    spec: Mapping[str, Any], schema: str, names: list[str], required: list[str]
) -> None:
    # Required fields first, then optional ones, each in declared order: the order the generated
    # models' to_dict()/to_multipart() put them on the wire.
    body = spec["components"]["schemas"][schema]
    assert list(body["properties"]) == names
    assert body["required"] == required
    assert body["additionalProperties"] is False


def test_every_fmgr_operation_shares_one_form(spec: Mapping[str, Any]) -> None:
    for operation_id, (_, method, path) in OPERATIONS.items():
        if not path.startswith("/fmgr/") or method != "post":
            continue
        body = resolve(spec, spec["paths"][path][method]["requestBody"])
        form = body["content"]["application/x-www-form-urlencoded"]["schema"]
        assert form == {"$ref": "#/components/schemas/FmgrRequest"}, operation_id


def test_every_operation_documents_errors(spec: Mapping[str, Any]) -> None:
    error = resolve(spec, spec["components"]["responses"]["Error"])
    assert error["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }
    for _, _, operation in operations(spec):
        assert operation["responses"]["default"] == {"$ref": "#/components/responses/Error"}
        assert "200" in operation["responses"]


def test_code_fields_accept_int_and_string(spec: Mapping[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert schemas["Code"]["oneOf"] == [{"type": "integer"}, {"type": "string"}]
    for name, schema in schemas.items():
        code = schema.get("properties", {}).get("code")
        if code is not None:
            assert code == {"$ref": "#/components/schemas/Code"}, name


def walk(node: object, where: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    if isinstance(node, Mapping):
        yield where, node
        for key, value in node.items():
            yield from walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{where}/{index}")


def test_everything_is_described(spec: Mapping[str, Any]) -> None:
    # Descriptions become the generated docstrings (of parameters: the schema's description).
    for path, method, operation in operations(spec):
        assert operation.get("summary"), (method, path)
        for reference in operation.get("parameters", []):
            parameter = resolve(spec, reference)
            assert parameter.get("description"), (path, parameter["name"])
            assert parameter["schema"].get("description"), (path, parameter["name"])
    for name, schema in spec["components"]["schemas"].items():
        assert schema.get("description"), name
        for prop_name, prop in schema.get("properties", {}).items():
            assert "$ref" in prop or prop.get("description"), (name, prop_name)


def test_no_date_formats(spec: Mapping[str, Any]) -> None:
    # format: date / date-time would make the generated code depend on python-dateutil.
    formats = {node["format"] for _, node in walk(spec) if isinstance(node.get("format"), str)}
    assert not formats & {"date", "date-time"}


def test_generated_modules_match_the_spec(spec: Mapping[str, Any]) -> None:
    for operation_id, (tag, _, _) in OPERATIONS.items():
        module = importlib.import_module(f"wcs_client.api.{tag}.{operation_id}")
        for function in ("sync_detailed", "asyncio_detailed"):
            assert callable(getattr(module, function, None)), (operation_id, function)


def test_generation_is_clean_and_committed(tmp_path: Path) -> None:
    out = tmp_path / "wcs_client"
    result = generate_client(SPEC, out)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Warning" not in output, output
    assert "Error" not in output, output
    assert_same_tree(out, GENERATED)


def assert_same_tree(left: Path, right: Path) -> None:
    comparison = filecmp.dircmp(left, right, ignore=["__pycache__"])
    stack = [comparison]
    while stack:
        current = stack.pop()
        assert not current.left_only, (
            f"stale generated code: run 'make generate' ({current.left_only})"
        )
        assert not current.right_only, (
            f"stale generated code: run 'make generate' ({current.right_only})"
        )
        _, mismatch, errors = filecmp.cmpfiles(
            current.left, current.right, current.common_files, shallow=False
        )
        assert not mismatch, f"stale generated code: run 'make generate' ({mismatch})"
        assert not errors, errors
        stack.extend(current.subdirs.values())
