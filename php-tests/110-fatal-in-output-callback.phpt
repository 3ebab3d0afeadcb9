--TEST--
A fatal error in an output callback while the phpinfo section prints leaves aws_env usable, and PHP exits promptly
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
// The callback raises a fatal error on the write of one row of the section,
// so the engine bails out from inside aws_env's printing. (E_USER_ERROR: the
// engine defers a memory or exception error raised inside an output handler
// until the handler returns, and PHP 8.4 only deprecates this form.)
$code = <<<'PHP'
// The engine refuses output from here on: the shutdown function writes to
// stderr.
register_shutdown_function(function (): void {
    file_put_contents('php://stderr', "\nshutdown: " . count(aws_env_status()) . " keys\n");
});
ob_start(function (string $buffer): string {
    if (str_contains($buffer, 'Capture')) {
        trigger_error('fatal in an output callback', E_USER_ERROR);
    }
    return $buffer;
}, 1);
(new ReflectionExtension('aws_env'))->info();
PHP;
$run = run_php(['-r', $code]);
echo 'status: ', $run['status'], "\n";
echo 'cut at: ', str_contains($run['out'], 'Version => ') && !str_contains($run['out'], 'Injection => ') ? 'Capture' : 'elsewhere', "\n";
echo 'shutdown: ', str_contains($run['out'], "shutdown: 11 keys") ? 'answered' : 'missing', "\n";
?>
--EXPECT--
status: 255
cut at: Capture
shutdown: answered
