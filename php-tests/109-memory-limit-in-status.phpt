--TEST--
memory_limit exhausted inside aws_env_status(): the fatal error ends the script, aws_env still answers, and PHP exits promptly
--EXTENSIONS--
aws_env
--SKIPIF--
<?php
// php-tests/valgrind runs PHP on malloc, which memory_limit does not count.
if (getenv('USE_ZEND_ALLOC') === '0') die('skip memory_limit is not enforced with USE_ZEND_ALLOC=0 (valgrind)');
?>
--FILE--
<?php
require __DIR__ . '/harness.inc';
// The engine bails out (longjmp) from inside the array building; shutdown
// functions run after that, and the module shuts down at exit.
$code = <<<'PHP'
register_shutdown_function(function (): void {
    $GLOBALS['kept'] = null;
    echo "\nshutdown: ", count(aws_env_status()), " keys\n";
});
ini_set('memory_limit', '3M');
$kept = [];
for ($i = 0; $i < 1000000; $i++) {
    $kept[] = aws_env_status();
}
PHP;
$run = run_php(['-r', $code]);
echo 'status: ', $run['status'], "\n";
echo $run['out'];
?>
--EXPECTF--
status: 255

Fatal error: Allowed memory size of 3145728 bytes exhausted%s

shutdown: 11 keys
