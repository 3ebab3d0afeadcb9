--TEST--
aws_env loads, registers its function and INI defaults
--EXTENSIONS--
aws_env
--FILE--
<?php
var_dump(extension_loaded('aws_env'));
var_dump(function_exists('aws_env_status'));
var_dump(phpversion('aws_env') === aws_env_status()['version']);
var_dump(ini_get('aws_env.enabled'));
var_dump(ini_get('aws_env.environ_file'));
var_dump(ini_get('aws_env.names'));
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
string(1) "1"
string(15) "/proc/1/environ"
string(278) "AWS_CONTAINER_*, AWS_REGION, AWS_DEFAULT_REGION, AWS_EXECUTION_ENV, ECS_CONTAINER_METADATA_URI, ECS_CONTAINER_METADATA_URI_V4, ECS_AGENT_URI, AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_STS_REGIONAL_ENDPOINTS, AWS_EC2_METADATA_*, AWS_METADATA_SERVICE_*"
