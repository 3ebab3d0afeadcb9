--TEST--
An empty file and a file of only NULs are read, hold nothing, and say nothing
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
echo php_child(<<<'PHP'
    file_source();
    var_dump(aws_env_status()['captured']);
    PHP, ['aws_env.environ_file' => fixture('nuls.environ', str_repeat("\0", 64))]);
echo php_child(<<<'PHP'
    $s = aws_env_status()['sources'][1];
    echo $s['status'], ' ', $s['entries'], "\n";
    PHP, ['aws_env.environ_file' => fixture('empty.environ', '')]);
?>
--EXPECTF--
file %s/nuls.environ: read entries=0 skipped=0 error=-
array(0) {
}
read 0
