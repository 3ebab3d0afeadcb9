--TEST--
aws_env.enabled reads like PHP's booleans: an unrecognised word is off, so nothing is read or injected
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
echo php_child(<<<'PHP'
    $s = aws_env_status();
    var_dump($s['enabled'], array_column($s['sources'], 'status'), getenv('AWS_REGION'));
    PHP, ['aws_env.enabled' => 'enabled', 'aws_env.environ_file' => fixture('ecs.environ')]);
?>
--EXPECT--
bool(false)
array(2) {
  [0]=>
  string(8) "disabled"
  [1]=>
  string(8) "disabled"
}
bool(false)
