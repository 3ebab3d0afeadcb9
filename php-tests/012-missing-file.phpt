--TEST--
A missing environ file is reported in the status and nowhere else
--EXTENSIONS--
aws_env
--INI--
aws_env.environ_file={PWD}/does-not-exist
--FILE--
<?php
require __DIR__ . '/probe.inc';
file_source();
?>
--EXPECTF--
file %s/does-not-exist: not_found entries=0 skipped=0 error=No such file or directory
