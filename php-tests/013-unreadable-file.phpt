--TEST--
An unreadable environ file is permission_denied, silently (the suite runs as an unprivileged user)
--EXTENSIONS--
aws_env
--INI--
aws_env.environ_file={PWD}/fixtures/unreadable.environ
--FILE--
<?php
require __DIR__ . '/probe.inc';
file_source();
var_dump(getenv('AWS_REGION'));
?>
--EXPECTF--
file %s/unreadable.environ: permission_denied entries=0 skipped=0 error=Permission denied
bool(false)
