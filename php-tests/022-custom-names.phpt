--TEST--
A custom allowlist replaces the default one
--EXTENSIONS--
aws_env
--INI--
aws_env.names="MY_APP_*"
aws_env.environ_file={PWD}/fixtures/custom.environ
--FILE--
<?php
require __DIR__ . '/probe.inc';
visibility('MY_APP_MODE', 'MY_APP_TIER', 'AWS_REGION', 'OTHER');
?>
--EXPECT--
MY_APP_MODE: getenv=blue array=blue server=blue env=blue
MY_APP_TIER: getenv=web array=web server=web env=web
AWS_REGION: getenv=- array=- server=- env=-
OTHER: getenv=- array=- server=- env=-
