--TEST--
An empty value counts as absent: an empty process value is replaced from the file; an empty file value is not captured
--EXTENSIONS--
aws_env
--FILE--
<?php
// run-tests.php cannot hand an empty variable to the test process, so the
// case runs in a child with an explicit environment.
$php = getenv('TEST_PHP_EXECUTABLE');
$code = 'foreach (["AWS_DEFAULT_REGION", "AWS_REGION", "AWS_ROLE_ARN"] as $n) { var_dump(getenv($n)); }'
    . ' foreach (aws_env_status()["captured"] as $n => $c) { echo "$n {$c["source"]} {$c["state"]}\n"; }';
echo shell_exec('env AWS_DEFAULT_REGION= AWS_ROLE_ARN= ' . escapeshellarg($php) . ' -n -d extension=' . escapeshellarg(__DIR__ . '/aws_env.so')
    . ' -d aws_env.environ_file=' . escapeshellarg(__DIR__ . '/fixtures/empty-values.environ')
    . ' -r ' . escapeshellarg($code) . ' 2>&1');
?>
--EXPECT--
string(9) "from-file"
bool(false)
string(0) ""
AWS_DEFAULT_REGION file injected
