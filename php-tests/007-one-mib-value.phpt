--TEST--
A 1 MiB value is captured and injected whole
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
echo php_child(<<<'PHP'
    $v = getenv('AWS_ROLE_ARN');
    var_dump(strlen($v), $v === str_repeat('r', 1024 * 1024));
    var_dump(aws_env_status()['captured']['AWS_ROLE_ARN']['length']);
    PHP, ['aws_env.environ_file' => fixture('big-value.environ', environ(['AWS_ROLE_ARN=' . str_repeat('r', 1024 * 1024)]))]);
?>
--EXPECT--
int(1048576)
bool(true)
int(1048576)
