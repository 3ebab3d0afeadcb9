--TEST--
A custom allowlist replaces the default one
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
echo php_child("visibility('MY_APP_MODE', 'MY_APP_TIER', 'AWS_REGION', 'OTHER');",
    ['aws_env.names' => '"MY_APP_*"', 'aws_env.environ_file' => fixture('custom.environ')]);
?>
--EXPECT--
MY_APP_MODE: getenv=blue array=blue server=blue env=blue
MY_APP_TIER: getenv=web array=web server=web env=web
AWS_REGION: getenv=- array=- server=- env=-
OTHER: getenv=- array=- server=- env=-
