--TEST--
An output callback may call aws_env_status() while the phpinfo section prints (no lock held across output)
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
// A chunk size of 1 runs the callback on every write, so it re-enters
// aws_env while each row of the section is being printed.
$code = <<<'PHP'
$calls = 0;
ob_start(function (string $buffer) use (&$calls): string {
    $calls++;
    aws_env_status();
    return $buffer;
}, 1);
(new ReflectionExtension('aws_env'))->info();
phpinfo(INFO_MODULES);
ob_end_flush();
echo "\ncallbacks: ", $calls > 10 ? 'many' : $calls, "\ndone\n";
PHP;
$run = run_php(['-r', $code]);
echo 'status: ', $run['status'], "\n";
echo 'sections: ', substr_count($run['out'], 'aws_env support'), "\n";
echo strstr($run['out'], 'callbacks:');
?>
--EXPECT--
status: 0
sections: 2
callbacks: many
done
