--TEST--
Character devices and unix sockets are refused as not regular files without being read
--EXTENSIONS--
aws_env
--INI--
aws_env.environ_file=/dev/zero
--FILE--
<?php
require __DIR__ . '/probe.inc';
// /dev/zero never ends: reading it would hang start-up or exhaust memory.
file_source();

$socket = __DIR__ . '/aws_env-101.sock';
@unlink($socket);
$server = stream_socket_server('unix://' . $socket, $errno, $errstr);
if ($server === false) {
    exit("cannot create a unix socket: $errstr\n");
}
$php = getenv('TEST_PHP_EXECUTABLE');
foreach (['/dev/null', '/dev/urandom', $socket] as $path) {
    echo shell_exec(escapeshellarg($php) . ' -n -d display_startup_errors=1 -d extension=' . escapeshellarg(__DIR__ . '/aws_env.so')
        . ' -d aws_env.environ_file=' . escapeshellarg($path)
        . ' -r ' . escapeshellarg('require "' . __DIR__ . '/probe.inc"; file_source();') . ' 2>&1');
}
fclose($server);
unlink($socket);
?>
--EXPECTF--
file /dev/zero: not_regular_file entries=0 skipped=0 error=not a regular file
file /dev/null: not_regular_file entries=0 skipped=0 error=not a regular file
file /dev/urandom: not_regular_file entries=0 skipped=0 error=not a regular file
file %s/aws_env-101.sock: not_regular_file entries=0 skipped=0 error=not a regular file (No such device or address)
