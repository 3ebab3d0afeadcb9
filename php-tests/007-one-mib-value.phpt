--TEST--
A 1 MiB value is captured and injected whole
--EXTENSIONS--
aws_env
--INI--
aws_env.environ_file={PWD}/fixtures/big-value.environ
--FILE--
<?php
$v = getenv('AWS_ROLE_ARN');
var_dump(strlen($v), $v === str_repeat('r', 1024 * 1024));
var_dump(aws_env_status()['captured']['AWS_ROLE_ARN']['length']);
?>
--EXPECT--
int(1048576)
bool(true)
int(1048576)
