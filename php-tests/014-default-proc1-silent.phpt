--TEST--
With the default /proc/1/environ unreadable to this user, the CLI prints nothing of its own
--EXTENSIONS--
aws_env
--FILE--
<?php
$php = getenv('TEST_PHP_EXECUTABLE');
$out = shell_exec(escapeshellarg($php) . ' -n -d display_startup_errors=1 -d display_errors=1 -d error_reporting=-1'
    . ' -d extension=' . escapeshellarg(__DIR__ . '/aws_env.so') . ' -r "echo \"ok\n\";" 2>&1');
var_dump($out);
$s = aws_env_status()['sources'][1];
echo $s['path'], ' ', $s['status'], "\n";
?>
--EXPECT--
string(3) "ok
"
/proc/1/environ permission_denied
