--TEST--
A file of exactly 4 MiB is read; one byte more is refused as too large, silently
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
const MAX_FILE = 4 * 1024 * 1024;
$too_large = environ(['AWS_REGION=too-large']) . str_repeat("\0", MAX_FILE);
$at_limit = ($head = environ(['AWS_REGION=at-limit'])) . str_repeat("\0", MAX_FILE - strlen($head));
echo php_child(<<<'PHP'
    file_source();
    var_dump(getenv('AWS_REGION'));
    PHP, ['aws_env.environ_file' => fixture('too-large.environ', $too_large)]);
echo php_child('echo getenv("AWS_REGION"), "\n";', ['aws_env.environ_file' => fixture('at-limit.environ', $at_limit)]);
?>
--EXPECTF--
file %s/too-large.environ: too_large entries=0 skipped=0 error=larger than 4194304 bytes
bool(false)
at-limit
