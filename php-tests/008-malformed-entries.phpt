--TEST--
Malformed entries are skipped and counted: no '=', leading '=', invalid names, duplicates (first wins), no final NUL
--EXTENSIONS--
aws_env
--INI--
aws_env.environ_file={PWD}/fixtures/malformed.environ
--FILE--
<?php
require __DIR__ . '/probe.inc';
visibility('AWS_REGION', 'AWS_ROLE_ARN');
file_source();
?>
--EXPECTF--
AWS_REGION: getenv=first array=first server=first env=first
AWS_ROLE_ARN: getenv=no-final-nul array=no-final-nul server=no-final-nul env=no-final-nul
file %s/malformed.environ: read entries=2 skipped=7 error=-
