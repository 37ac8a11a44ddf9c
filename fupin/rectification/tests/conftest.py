from fupin.assistance.tests.conftest import divisions  # noqa: F401
