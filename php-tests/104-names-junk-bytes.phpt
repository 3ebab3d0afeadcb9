--TEST--
aws_env.names junk: control and non-UTF-8 bytes are quoted escaped, printf directives literally; valid entries still work
--EXTENSIONS--
aws_env
--FILE--
<?php
// The list travels as one argv element: an INI section cannot hold raw bytes,
// and escapeshellarg() drops bytes that are invalid in the locale's encoding.
$names = "\x01BAD, \xff\xfe, %s%n%x%%, AWS_\x1b[31mX, AWS_REGION";
$cmd = [getenv('TEST_PHP_EXECUTABLE'), '-n', '-d', 'display_startup_errors=1', '-d', 'extension=' . __DIR__ . '/aws_env.so',
    '-d', 'aws_env.names=' . $names, '-d', 'aws_env.environ_file=' . __DIR__ . '/fixtures/ecs.environ',
    '-r', 'var_dump(aws_env_status()["invalid_names"], getenv("AWS_REGION"));'];
$proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['redirect', 1]], $pipes);
echo stream_get_contents($pipes[1]);
proc_close($proc);
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
