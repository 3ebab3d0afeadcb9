--TEST--
An empty file is read and holds nothing; a file of only NULs is an overwritten environment (php-fpm as PID 1), and says so
--EXTENSIONS--
aws_env
--INI--
aws_env.environ_file={PWD}/fixtures/nuls.environ
--FILE--
<?php
require __DIR__ . '/probe.inc';
file_source();
ob_start();
(new ReflectionExtension('aws_env'))->info();
preg_match('/^Source: .*nuls.environ => .*$/m', ob_get_clean(), $row);
echo $row[0], "\n";
var_dump(aws_env_status()['captured']);
$php = getenv('TEST_PHP_EXECUTABLE');
$so = __DIR__ . '/aws_env.so';
echo shell_exec(escapeshellarg($php) . ' -n -d extension=' . escapeshellarg($so)
    . ' -d aws_env.environ_file=' . escapeshellarg(__DIR__ . '/fixtures/empty.environ')
    . ' -r ' . escapeshellarg('$s = aws_env_status()["sources"][1]; echo $s["status"], " ", $s["entries"], "\n";') . ' 2>&1');
?>
--EXPECTF--
file %s/nuls.environ: overwritten entries=0 skipped=0 error=the environment was overwritten: nothing but NUL bytes (php-fpm as PID 1 reuses its environment for its process title)
Source: %s/nuls.environ => overwritten (the environment was overwritten: nothing but NUL bytes (php-fpm as PID 1 reuses its environment for its process title))
array(0) {
}
read 0
