--TEST--
phpinfo() and the --ri view show names, sources and lengths, never a value
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
echo php_child(<<<'PHP'
    ob_start();
    phpinfo(INFO_MODULES);
    $info = ob_get_clean();
    ob_start();
    (new ReflectionExtension('aws_env'))->info();
    $ri = ob_get_clean();
    foreach (['phpinfo' => $info, '--ri' => $ri] as $where => $text) {
        foreach (['/v2/credentials/2f1e2d3c', 'eu-west-1', 'AWS_ECS_FARGATE', '9f8e7d6c', 'fixture-static-secret',
                  'fixture-db-password', 'process-value'] as $value) {
            if (str_contains($text, $value)) {
                echo "$where shows a value: $value\n";
            }
        }
    }
    foreach (explode("\n", $ri) as $line) {
        if (preg_match('/^(aws_env support|Capture|Injection|Source|Captured|Ignored)/', $line)) {
            echo $line, "\n";
        }
    }
    PHP, [
    'aws_env.environ_file' => fixture('ecs.environ'),
    'aws_env.names' => '"AWS_*, ECS_*, 9BAD"',
    'display_startup_errors' => '0',
], ['AWS_ROLE_ARN' => 'arn:aws:iam::111122223333:role/process-value']);
?>
--EXPECTF--
PHP Warning:  PHP Startup: aws_env.names: ignoring invalid entry "9BAD" (expected a variable name, optionally ending in *) in Unknown on line 0
aws_env support => enabled
Capture => enabled
Injection => at_startup
Source: the process environment => read, %d entries
Source: %s/ecs.environ => read, 9 entries
Captured AWS_CONTAINER_CREDENTIALS_RELATIVE_URI => from %s/ecs.environ, 52 bytes, injected
Captured AWS_DEFAULT_REGION => from %s/ecs.environ, 9 bytes, injected
Captured AWS_EXECUTION_ENV => from %s/ecs.environ, 15 bytes, injected
Captured AWS_REGION => from %s/ecs.environ, 9 bytes, injected
Captured AWS_ROLE_ARN => from the process environment, 44 bytes, kept
Captured AWS_SECRET_ACCESS_KEY => from %s/ecs.environ, 21 bytes, injected
Captured ECS_CONTAINER_METADATA_URI_V4 => from %s/ecs.environ, 32 bytes, injected
Ignored names entry => 9BAD
