"""Fixtures for the field server: a claim assigned to the verifier, and the verifier's phone with a credential."""

from __future__ import annotations

import pytest

from conflict_service.auth import field_credentials
from tests.field.device import Device
from tests.verification.conftest import evidence_dir  # noqa: F401 - each test's own evidence folder
from verification.operations import assign_verifier


@pytest.fixture
def claim(world, make):
    return make.claim(world.ir)


@pytest.fixture
def assigned(world, claim):
    return assign_verifier(claim, {"verifier_id": world.ir.verifier.id}, world.ir.clerk)


@pytest.fixture
def credential(world):
    credential, password = field_credentials.create(world.ir.verifier, {"label": "Samsung A14"}, world.ir.verifier)
    credential.password = password  # for the test only: the service never keeps it
    return credential


@pytest.fixture
def collect(client, credential):
    """ODK Collect on the verifier's phone, configured with the field-device credential."""
    return Device(client, credential.username, credential.password)
