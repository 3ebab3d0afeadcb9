--TEST--
A 64 KiB aws_env.names of junk and names: warnings are capped, the valid names still work
--EXTENSIONS--
aws_env
--FILE--
<?php
$junk = [];
for ($i = 0; strlen(implode(',', $junk)) < 64 * 1024; $i++) {
    $junk[] = "bad-entry-$i";
}
$list = implode(',', $junk) . ',AWS_REGION';
$php = getenv('TEST_PHP_EXECUTABLE');
$out = shell_exec(escapeshellarg($php) . ' -n -d display_startup_errors=1 -d extension=' . escapeshellarg(__DIR__ . '/aws_env.so')
    . ' -d aws_env.names=' . escapeshellarg($list)
    . ' -d aws_env.environ_file=' . escapeshellarg(__DIR__ . '/fixtures/ecs.environ')
    . ' -r ' . escapeshellarg('echo count(aws_env_status()["invalid_names"]), " ", getenv("AWS_REGION"), "\n";') . ' 2>&1');
$lines = array_values(array_filter(explode("\n", $out), fn ($l) => $l !== ''));
echo count($lines), "\n";
echo $lines[0], "\n", $lines[16], "\n", $lines[17], "\n";
var_dump(count($junk));
?>
--EXPECTF--
18
Warning: PHP Startup: aws_env.names: ignoring invalid entry "bad-entry-0" (expected a variable name, optionally ending in *) in Unknown on line 0
Warning: PHP Startup: aws_env.names: ignoring %d more invalid entries in Unknown on line 0
%d eu-west-1
int(%d)
