--TEST--
Character devices and unix sockets are refused as not regular files without being read
--EXTENSIONS--
aws_env
--INI--
aws_env.environ_file=/dev/zero
--FILE--
<?php
require __DIR__ . '/harness.inc';
// /dev/zero never ends: reading it would hang start-up or exhaust memory.
file_source();

$socket = fixture_dir() . '/aws_env-101.sock';
$server = stream_socket_server('unix://' . $socket, $errno, $errstr);
if ($server === false) {
    exit("cannot create a unix socket: $errstr\n");
}
foreach (['/dev/null', '/dev/urandom', $socket] as $path) {
    echo php_child('file_source();', ['display_startup_errors' => '1', 'aws_env.environ_file' => $path]);
}
fclose($server);
?>
--EXPECTF--
file /dev/zero: not_regular_file entries=0 skipped=0 error=not a regular file
file /dev/null: not_regular_file entries=0 skipped=0 error=not a regular file
file /dev/urandom: not_regular_file entries=0 skipped=0 error=not a regular file
file %s/aws_env-101.sock: not_regular_file entries=0 skipped=0 error=not a regular file (No such device or address)
