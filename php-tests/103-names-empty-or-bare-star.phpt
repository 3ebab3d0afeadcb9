--TEST--
An empty aws_env.names captures nothing and says nothing; a bare * is refused with a warning and captures nothing, secrets included
--EXTENSIONS--
aws_env
--INI--
aws_env.names=
aws_env.environ_file={PWD}/fixtures/ecs.environ
display_startup_errors=1
--FILE--
<?php
require __DIR__ . '/probe.inc';
$s = aws_env_status();
var_dump($s['names'], $s['invalid_names'], $s['captured']);
file_source();
visibility('AWS_REGION');

$php = getenv('TEST_PHP_EXECUTABLE');
echo shell_exec(escapeshellarg($php) . ' -n -d display_startup_errors=1 -d extension=' . escapeshellarg(__DIR__ . '/aws_env.so')
    . ' -d aws_env.names=' . escapeshellarg('*')
    . ' -d aws_env.environ_file=' . escapeshellarg(__DIR__ . '/fixtures/ecs.environ')
    . ' -r ' . escapeshellarg('require "' . __DIR__ . '/probe.inc"; echo count(aws_env_status()["captured"]), "\n";'
        . ' visibility("AWS_REGION", "AWS_SECRET_ACCESS_KEY", "DB_PASSWORD");') . ' 2>&1');
?>
--EXPECTF--
array(0) {
}
array(0) {
}
array(0) {
}
file %s/fixtures/ecs.environ: read entries=9 skipped=0 error=-
AWS_REGION: getenv=- array=- server=- env=-

Warning: PHP Startup: aws_env.names: ignoring invalid entry "*" (expected a variable name, optionally ending in *) in Unknown on line 0
0
AWS_REGION: getenv=- array=- server=- env=-
AWS_SECRET_ACCESS_KEY: getenv=- array=- server=- env=-
DB_PASSWORD: getenv=- array=- server=- env=-
