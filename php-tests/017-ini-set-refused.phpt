--TEST--
Every setting is PHP_INI_SYSTEM: ini_set() fails and changes nothing
--EXTENSIONS--
aws_env
--FILE--
<?php
foreach (['aws_env.enabled' => '0', 'aws_env.names' => 'X', 'aws_env.environ_file' => '/tmp/x'] as $name => $value) {
    $before = ini_get($name);
    var_dump(ini_set($name, $value), ini_get($name) === $before);
}
?>
--EXPECT--
bool(false)
bool(true)
bool(false)
bool(true)
bool(false)
bool(true)
