--TEST--
An empty aws_env.environ_file disables the file source; the process environment still counts
--EXTENSIONS--
aws_env
--ENV--
AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/credentials/from-process
--INI--
aws_env.environ_file=
--FILE--
<?php
require __DIR__ . '/probe.inc';
captured();
$s = aws_env_status()['sources'][1];
var_dump($s['status'], $s['path']);
?>
--EXPECT--
AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: process 28 kept
string(8) "disabled"
NULL
