--TEST--
A file of exactly 4 MiB is read; one byte more is refused as too large, silently
--EXTENSIONS--
aws_env
--INI--
aws_env.environ_file={PWD}/fixtures/too-large.environ
--FILE--
<?php
require __DIR__ . '/probe.inc';
file_source();
var_dump(getenv('AWS_REGION'));
$php = getenv('TEST_PHP_EXECUTABLE');
echo shell_exec(escapeshellarg($php) . ' -n -d extension=' . escapeshellarg(__DIR__ . '/aws_env.so')
    . ' -d aws_env.environ_file=' . escapeshellarg(__DIR__ . '/fixtures/at-limit.environ')
    . ' -r ' . escapeshellarg('echo getenv("AWS_REGION"), "\n";') . ' 2>&1');
?>
--EXPECTF--
file %s/too-large.environ: too_large entries=0 skipped=0 error=larger than 4194304 bytes
bool(false)
at-limit
