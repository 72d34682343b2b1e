"""Fixtures for the field server: a claim assigned to the verifier, and the verifier's phone with a credential."""

from __future__ import annotations

import pytest

from conflict_service.auth import field_credentials
from tests.field.device import Device
from tests.verification.conftest import assigned, claim, evidence_dir  # noqa: F401 - the verification fixtures


@pytest.fixture
def credential(world):
    credential, password = field_credentials.create(world.ir.verifier, {"label": "Samsung A14"}, world.ir.verifier)
    credential.password = password  # for the test only: the service never keeps it
    return credential


@pytest.fixture
def collect(client, credential):
    """ODK Collect on the verifier's phone, configured with the field-device credential."""
    return Device(client, credential.username, credential.password)
