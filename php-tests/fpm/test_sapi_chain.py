"""aws_env injects from a hook in `sapi_module.activate`, where php-fpm has
its own handler: the one that applies `.user.ini` files (and php.ini's
[PATH=] sections). The hook must always call that handler, or every pool
would silently lose its per-directory settings.

Persistent workers (pm.max_requests = 0), so that the later requests of one
worker are checked as well as its first.
"""

from __future__ import annotations

import pytest

import fixture_values as fx
from harness import SHELL_PID1_ROOT_MASTER, FpmSpec

INI = {"variables_order": "EGPCS", "auto_globals_jit": "1"}
SCRIPT = "user_ini/ini_probe.php"
USER_INI_VALUE = "#a1b2c3"  # user_ini/.user.ini
REQUESTS = 3


@pytest.mark.parametrize("load_extension", [True, False], ids=["with-aws_env", "control-without-aws_env"])
def test_user_ini_applies_at_every_request(launch_fpm, load_extension):
    """The control proves that the .user.ini is read at all in this setup."""
    instance = launch_fpm.start(FpmSpec(SHELL_PID1_ROOT_MASTER, fx.PID1_ENV, ini=INI,
                                        load_extension=load_extension, max_requests=0))
    names = sorted(fx.CAPTURABLE)
    expected_visible = names if load_extension else []
    for number in range(1, REQUESTS + 1):
        # php-fpm reads .user.ini files only below the DOCUMENT_ROOT it is given.
        reply = instance.request(SCRIPT, query="names=" + ",".join(names),
                                 params={"DOCUMENT_ROOT": str(instance.docroot)}).json()
        assert reply["highlight.comment"] == USER_INI_VALUE, f"request {number}: {reply}"
        assert reply["visible"] == expected_visible, f"request {number}: {reply}"
