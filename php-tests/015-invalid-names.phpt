--TEST--
Malformed aws_env.names entries get one start-up warning each and are ignored; the module still works
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
echo php_child(<<<'PHP'
    $s = aws_env_status();
    var_dump($s['names'], $s['invalid_names']);
    var_dump(getenv('AWS_REGION'), getenv('MY_APP_MODE'));
    PHP, [
    'aws_env.names' => '"*, 1BAD ,AWS_REGION,, A-B;C, AWS_*X, , MY_*"',
    'aws_env.environ_file' => fixture('custom.environ'),
    'display_startup_errors' => '1',
]);
?>
--EXPECT--
Warning: PHP Startup: aws_env.names: ignoring invalid entry "*" (expected a variable name, optionally ending in *) in Unknown on line 0

Warning: PHP Startup: aws_env.names: ignoring invalid entry "1BAD" (expected a variable name, optionally ending in *) in Unknown on line 0

Warning: PHP Startup: aws_env.names: ignoring invalid entry "A-B;C" (expected a variable name, optionally ending in *) in Unknown on line 0

Warning: PHP Startup: aws_env.names: ignoring invalid entry "AWS_*X" (expected a variable name, optionally ending in *) in Unknown on line 0
array(2) {
  [0]=>
  string(10) "AWS_REGION"
  [1]=>
  string(4) "MY_*"
}
array(4) {
  [0]=>
  string(1) "*"
  [1]=>
  string(4) "1BAD"
  [2]=>
  string(5) "A-B;C"
  [3]=>
  string(6) "AWS_*X"
}
string(9) "eu-west-1"
string(4) "blue"
