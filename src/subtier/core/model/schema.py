"""The chain file's JSON Schema, generated from the model."""

from __future__ import annotations

from typing import Any

from subtier.core.model.chain import Chain

SCHEMA_ID = "urn:subtier:chain-file:1"


def chain_schema() -> dict[str, Any]:
    schema = Chain.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
