--TEST--
An empty aws_env.environ_file disables the file source; the process environment still counts
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
// A child with an environment of its own: the suite runner's variables
// (an AWS_REGION in CI, say) must not show up among the captured.
echo php_child(<<<'PHP'
    captured();
    $s = aws_env_status()['sources'][1];
    var_dump($s['status'], $s['path']);
    PHP, ['aws_env.environ_file' => ''], ['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI' => '/v2/credentials/from-process']);
?>
--EXPECT--
AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: process 28 kept
string(8) "disabled"
NULL
