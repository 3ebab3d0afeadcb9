--TEST--
With the default /proc/1/environ unreadable to this user, the CLI prints nothing of its own
--EXTENSIONS--
aws_env
--SKIPIF--
<?php require __DIR__ . '/harness.inc'; skip_if_readable('/proc/1/environ'); ?>
--FILE--
<?php
require __DIR__ . '/harness.inc';
var_dump(php_child('echo "ok\n";', ['display_startup_errors' => '1', 'display_errors' => '1', 'error_reporting' => '-1']));
$s = aws_env_status()['sources'][1];
echo $s['path'], ' ', $s['status'], "\n";
?>
--EXPECT--
string(3) "ok
"
/proc/1/environ permission_denied
