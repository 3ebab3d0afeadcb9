--TEST--
An empty aws_env.names captures nothing and says nothing; a bare * is refused with a warning and captures nothing, secrets included
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
$ecs = fixture('ecs.environ');
echo php_child(<<<'PHP'
    $s = aws_env_status();
    var_dump($s['names'], $s['invalid_names'], $s['captured']);
    file_source();
    visibility('AWS_REGION');
    PHP, ['aws_env.names' => '', 'aws_env.environ_file' => $ecs, 'display_startup_errors' => '1']);

echo php_child(<<<'PHP'
    echo count(aws_env_status()['captured']), "\n";
    visibility('AWS_REGION', 'AWS_SECRET_ACCESS_KEY', 'DB_PASSWORD');
    PHP, ['aws_env.names' => '"*"', 'aws_env.environ_file' => $ecs, 'display_startup_errors' => '1']);
?>
--EXPECTF--
array(0) {
}
array(0) {
}
array(0) {
}
file %s/ecs.environ: read entries=9 skipped=0 error=-
AWS_REGION: getenv=- array=- server=- env=-

Warning: PHP Startup: aws_env.names: ignoring invalid entry "*" (expected a variable name, optionally ending in *) in Unknown on line 0
0
AWS_REGION: getenv=- array=- server=- env=-
AWS_SECRET_ACCESS_KEY: getenv=- array=- server=- env=-
DB_PASSWORD: getenv=- array=- server=- env=-
