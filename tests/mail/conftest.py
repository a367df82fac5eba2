"""Every mail test talks to a real SMTP server on loopback."""
from __future__ import annotations

import pytest

from tests.mail.smtp import smtp_config, smtp_server  # noqa: F401  (fixture)


@pytest.fixture
def app_config(app_config, smtp_server):  # noqa: F811
    """Point flask-mail at the loopback server and really send."""
    return smtp_config(app_config, smtp_server)
