--TEST--
A directory and a FIFO are refused as not regular files, without blocking on the FIFO
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
$fifo = fixture_dir() . '/a-fifo';
exec('mkfifo ' . escapeshellarg($fifo), $out, $status);
if ($status !== 0) {
    exit("mkfifo failed\n");
}
$directory = fixture_dir() . '/a-directory';
mkdir($directory);
echo php_child('file_source();', ['aws_env.environ_file' => $fifo]);
echo php_child('$s = aws_env_status()["sources"][1]; echo $s["status"], "\n";', ['aws_env.environ_file' => $directory]);
?>
--EXPECTF--
file %s/a-fifo: not_regular_file entries=0 skipped=0 error=not a regular file
not_regular_file
