--TEST--
The cgi SAPI gets the same contract: getenv(), getenv() array, $_SERVER and $_ENV
--EXTENSIONS--
aws_env
--CGI--
--INI--
aws_env.environ_file={PWD}/fixtures/ecs.environ
--FILE--
<?php
require __DIR__ . '/probe.inc';
visibility('AWS_REGION', 'AWS_SECRET_ACCESS_KEY');
echo aws_env_status()['sapi'], "\n";
?>
--EXPECT--
AWS_REGION: getenv=eu-west-1 array=eu-west-1 server=eu-west-1 env=eu-west-1
AWS_SECRET_ACCESS_KEY: getenv=- array=- server=- env=-
cgi-fcgi
