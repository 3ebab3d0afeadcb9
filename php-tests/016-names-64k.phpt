--TEST--
A 64 KiB aws_env.names of junk and names: warnings are capped, the valid names still work
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
$junk = [];
for ($i = 0; strlen(implode(',', $junk)) < 64 * 1024; $i++) {
    $junk[] = "bad-entry-$i";
}
$list = implode(',', $junk) . ',AWS_REGION';
$out = php_child('echo count(aws_env_status()["invalid_names"]), " ", getenv("AWS_REGION"), "\n";', [
    'display_startup_errors' => '1',
    'aws_env.names' => $list,
    'aws_env.environ_file' => fixture('ecs.environ'),
]);
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
