"""Every example in ``examples/``, driven in-process by ``bareasgi.testing.TestClient``."""
