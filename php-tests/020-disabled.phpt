--TEST--
aws_env.enabled=0 reads no source and injects nothing
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
echo php_child(<<<'PHP'
    visibility('AWS_REGION');
    $s = aws_env_status();
    var_dump($s['enabled'], $s['captured'], array_column($s['sources'], 'status'));
    PHP, ['aws_env.enabled' => '0', 'aws_env.environ_file' => fixture('ecs.environ')]);
?>
--EXPECT--
AWS_REGION: getenv=- array=- server=- env=-
bool(false)
array(0) {
}
array(2) {
  [0]=>
  string(8) "disabled"
  [1]=>
  string(8) "disabled"
}
