--TEST--
The reader closes the pipe part-way through the phpinfo section (as `php --ri aws_env | head -5` does): PHP exits promptly
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
// The callback slows each write down, so the pipe is surely closed before
// the next row: that write fails, and the CLI treats it as an aborted
// connection and bails out from inside aws_env's printing. Each cut point
// is the end of one row, as `head -N` would make it.
$code = <<<'PHP'
ob_start(function (string $buffer): string {
    usleep(20000);
    return $buffer;
}, 1);
(new ReflectionExtension('aws_env'))->info();
PHP;
foreach (['aws_env support', 'Version', 'Capture', 'Injection', 'Source: the process environment'] as $label) {
    $run = run_php(['-r', $code], function (string $out) use ($label): bool {
        return !preg_match('/^' . preg_quote($label, '/') . ' => .*\n/m', $out);
    });
    // The label must have been printed: a child that never printed the
    // section (the module not loaded, say) proves nothing by exiting.
    $seen = preg_match('/^' . preg_quote($label, '/') . ' => /m', $run['out']) === 1;
    echo "closed after \"$label\": ", !$seen ? 'never printed' : ($run['status'] === 'hung' ? 'hung' : 'exited'), "\n";
}
?>
--EXPECT--
closed after "aws_env support": exited
closed after "Version": exited
closed after "Capture": exited
closed after "Injection": exited
closed after "Source: the process environment": exited
