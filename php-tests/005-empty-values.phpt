--TEST--
An empty value counts as absent: an empty process value is replaced from the file; an empty file value is not captured
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
// proc_open() drops a variable whose value is empty, but passes an entry
// with a numeric key as it is: so the empty variables go in as "NAME=".
echo php_child(<<<'PHP'
    foreach (['AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_ROLE_ARN'] as $n) { var_dump(getenv($n)); }
    foreach (aws_env_status()['captured'] as $n => $c) { echo "$n {$c['source']} {$c['state']}\n"; }
    PHP,
    ['aws_env.environ_file' => fixture('empty-values.environ', environ(['AWS_REGION=', 'AWS_DEFAULT_REGION=from-file', 'AWS_ROLE_ARN=']))],
    ['AWS_DEFAULT_REGION=', 'AWS_ROLE_ARN=']);
?>
--EXPECT--
string(9) "from-file"
bool(false)
string(0) ""
AWS_DEFAULT_REGION file injected
