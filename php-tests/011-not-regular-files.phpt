--TEST--
A directory and a FIFO are refused as not regular files, without blocking on the FIFO
--EXTENSIONS--
aws_env
--INI--
aws_env.environ_file={PWD}/fixtures/a-fifo
--FILE--
<?php
require __DIR__ . '/probe.inc';
file_source();
$php = getenv('TEST_PHP_EXECUTABLE');
echo shell_exec(escapeshellarg($php) . ' -n -d extension=' . escapeshellarg(__DIR__ . '/aws_env.so')
    . ' -d aws_env.environ_file=' . escapeshellarg(__DIR__ . '/fixtures/a-directory')
    . ' -r ' . escapeshellarg('$s = aws_env_status()["sources"][1]; echo $s["status"], "\n";') . ' 2>&1');
?>
--EXPECTF--
file %s/a-fifo: not_regular_file entries=0 skipped=0 error=not a regular file
not_regular_file
