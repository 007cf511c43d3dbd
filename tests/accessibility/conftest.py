"""The accessibility review's tests: they read rendered pages as assistive technology does."""
from tests.catalogue_fixtures import fresh_catalogue  # noqa: F401 (autouse: a fresh purpose cache per test)
