--TEST--
An empty file and a file of only NULs are read, hold nothing, and say nothing
--EXTENSIONS--
aws_env
--INI--
aws_env.environ_file={PWD}/fixtures/nuls.environ
--FILE--
<?php
require __DIR__ . '/probe.inc';
file_source();
var_dump(aws_env_status()['captured']);
$php = getenv('TEST_PHP_EXECUTABLE');
$so = __DIR__ . '/aws_env.so';
echo shell_exec(escapeshellarg($php) . ' -n -d extension=' . escapeshellarg($so)
    . ' -d aws_env.environ_file=' . escapeshellarg(__DIR__ . '/fixtures/empty.environ')
    . ' -r ' . escapeshellarg('$s = aws_env_status()["sources"][1]; echo $s["status"], " ", $s["entries"], "\n";') . ' 2>&1');
?>
--EXPECTF--
file %s/nuls.environ: read entries=0 skipped=0 error=-
array(0) {
}
read 0
