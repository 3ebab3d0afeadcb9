--TEST--
aws_env.enabled reads like PHP's booleans: an unrecognised word is off, so nothing is read or injected
--EXTENSIONS--
aws_env
--INI--
aws_env.enabled=enabled
aws_env.environ_file={PWD}/fixtures/ecs.environ
--FILE--
<?php
$s = aws_env_status();
var_dump($s['enabled'], array_column($s['sources'], 'status'), getenv('AWS_REGION'));
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
