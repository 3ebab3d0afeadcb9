--TEST--
Duplicate names in one source: the first entry is the variable even when empty, so an empty first entry captures nothing from that source
--EXTENSIONS--
aws_env
--INI--
aws_env.environ_file={PWD}/fixtures/duplicate-first-empty.environ
--FILE--
<?php
require __DIR__ . '/probe.inc';
visibility('AWS_REGION', 'AWS_ROLE_ARN');
captured();
file_source();
?>
--EXPECTF--
AWS_REGION: getenv=- array=- server=- env=-
AWS_ROLE_ARN: getenv=first array=first server=first env=first
AWS_ROLE_ARN: file 5 injected
file %s/duplicate-first-empty.environ: read entries=2 skipped=2 error=-
