"""Test data for the aws_env php-fpm suite: the variables PID 1 holds.

Every value carries a per-run tag, so finding one in a log or in a worker can
only mean it was copied there. These values are test data: the probe may print
them, the assertions may name them; aws_env itself must never print one.
"""

import uuid

RUN_TAG = uuid.uuid4().hex[:10]

# The extension's default allowlist, as the contract states it.
DEFAULT_NAMES = [
    "AWS_CONTAINER_*",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_EXECUTION_ENV",
    "ECS_CONTAINER_METADATA_URI",
    "ECS_CONTAINER_METADATA_URI_V4",
    "ECS_AGENT_URI",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_STS_REGIONAL_ENDPOINTS",
    "AWS_EC2_METADATA_*",
    "AWS_METADATA_SERVICE_*",
]

# Allowlisted and non-empty: aws_env must hand these to every worker.
# (The last four exercise the AWS_CONTAINER_*, AWS_EC2_METADATA_* and
# AWS_METADATA_SERVICE_* wildcards.)
CAPTURABLE = {
    "AWS_REGION": f"fixture-region-{RUN_TAG}",
    "AWS_DEFAULT_REGION": f"fixture-default-region-{RUN_TAG}",
    "AWS_EXECUTION_ENV": f"AWS_ECS_FIXTURE_{RUN_TAG}",
    "ECS_CONTAINER_METADATA_URI_V4": f"http://169.254.170.2/v4/fixture-{RUN_TAG}",
    "AWS_STS_REGIONAL_ENDPOINTS": f"fixture-regional-{RUN_TAG}",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": f"/v2/credentials/{uuid.uuid4()}",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN": f"fixture-container-token-{RUN_TAG}",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT": f"http://127.0.0.9/fixture-imds-{RUN_TAG}",
    "AWS_METADATA_SERVICE_TIMEOUT": f"fixture-timeout-{RUN_TAG}",
}

# Allowlisted but empty: empty counts as absent, so nothing is captured.
EMPTY = {"AWS_ROLE_ARN": ""}

# Not allowlisted: must never reach a worker, whatever the layout.
FORBIDDEN = {
    "AWS_ACCESS_KEY_ID": f"AKIAFIXTURE{RUN_TAG.upper()}",
    "AWS_SECRET_ACCESS_KEY": f"fixture-secret-access-key-{RUN_TAG}",
    "AWS_SESSION_TOKEN": f"fixture-session-token-{RUN_TAG}",
    "DB_PASSWORD": f"fixture-db-password-{RUN_TAG}",
    # AWS_REGION is an exact name in the allowlist, not a prefix.
    "AWS_REGION_EXTRA": f"fixture-region-extra-{RUN_TAG}",
}

PID1_ENV = {**CAPTURABLE, **EMPTY, **FORBIDDEN}
ALL_NAMES = list(PID1_ENV)
ALL_VALUES = [value for value in PID1_ENV.values() if value]

# A name that no environment in the suite defines: a pool line
# `env[X] = $UNSET_NAME` therefore gives the worker X set to "".
UNSET_NAME = "AWS_ENV_TEST_NEVER_SET"

# What the stand-in credentials endpoints serve: a key pair and token of this
# run, so that a test can tell them from any real ones and sweep them too.
SERVED_CREDENTIALS = {
    "AccessKeyId": f"ASIAFIXTURE{RUN_TAG.upper()}",
    "SecretAccessKey": f"fixture-served-secret-{RUN_TAG}",
    "Token": f"fixture-served-token-{RUN_TAG}",
}
