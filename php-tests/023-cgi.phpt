--TEST--
The cgi SAPI gets the same contract: getenv(), getenv() array, $_SERVER and $_ENV
--EXTENSIONS--
aws_env
--CGI--
--SKIPIF--
<?php require __DIR__ . '/harness.inc'; if (php_cgi_binary() === null) echo "skip php-cgi not found\n"; ?>
--FILE--
<?php
require __DIR__ . '/harness.inc';
echo php_child(<<<'PHP'
    visibility('AWS_REGION', 'AWS_SECRET_ACCESS_KEY');
    echo aws_env_status()['sapi'], "\n";
    PHP, ['aws_env.environ_file' => fixture('ecs.environ')], cgi: true);
?>
--EXPECT--
AWS_REGION: getenv=eu-west-1 array=eu-west-1 server=eu-west-1 env=eu-west-1
AWS_SECRET_ACCESS_KEY: getenv=- array=- server=- env=-
cgi-fcgi
