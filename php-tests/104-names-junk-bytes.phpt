--TEST--
aws_env.names junk: control and non-UTF-8 bytes are quoted escaped, printf directives literally; valid entries still work
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
// The list travels as one argv element: an INI section cannot hold raw bytes.
$names = "\x01BAD, \xff\xfe, %s%n%x%%, AWS_\x1b[31mX, AWS_REGION";
echo php_child('var_dump(aws_env_status()["invalid_names"], getenv("AWS_REGION"));', [
    'display_startup_errors' => '1',
    'aws_env.names' => $names,
    'aws_env.environ_file' => fixture('ecs.environ'),
]);
?>
--EXPECT--
Warning: PHP Startup: aws_env.names: ignoring invalid entry "\x01BAD" (expected a variable name, optionally ending in *) in Unknown on line 0

Warning: PHP Startup: aws_env.names: ignoring invalid entry "\xff\xfe" (expected a variable name, optionally ending in *) in Unknown on line 0

Warning: PHP Startup: aws_env.names: ignoring invalid entry "%s%n%x%%" (expected a variable name, optionally ending in *) in Unknown on line 0

Warning: PHP Startup: aws_env.names: ignoring invalid entry "AWS_\x1b[31mX" (expected a variable name, optionally ending in *) in Unknown on line 0
array(4) {
  [0]=>
  string(7) "\x01BAD"
  [1]=>
  string(8) "\xff\xfe"
  [2]=>
  string(8) "%s%n%x%%"
  [3]=>
  string(13) "AWS_\x1b[31mX"
}
string(9) "eu-west-1"
