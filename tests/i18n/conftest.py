import pytest

from tests.i18n.compiled import compile_catalogs


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogs():
    compile_catalogs()
