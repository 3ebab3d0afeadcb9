--TEST--
An empty file is read and holds nothing; a file of only NULs is an overwritten environment (php-fpm as PID 1), and says so
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
echo php_child(<<<'PHP'
    file_source();
    ob_start();
    (new ReflectionExtension('aws_env'))->info();
    preg_match('/^Source: .*nuls.environ => .*$/m', ob_get_clean(), $row);
    echo $row[0], "\n";
    var_dump(aws_env_status()['captured']);
    PHP, ['aws_env.environ_file' => fixture('nuls.environ', str_repeat("\0", 64))]);
echo php_child(<<<'PHP'
    $s = aws_env_status()['sources'][1];
    echo $s['status'], ' ', $s['entries'], "\n";
    PHP, ['aws_env.environ_file' => fixture('empty.environ', '')]);
?>
--EXPECTF--
file %s/nuls.environ: overwritten entries=0 skipped=0 error=the environment was overwritten: nothing but NUL bytes (php-fpm as PID 1 reuses its environment for its process title)
Source: %s/nuls.environ => overwritten (the environment was overwritten: nothing but NUL bytes (php-fpm as PID 1 reuses its environment for its process title))
array(0) {
}
read 0
