--TEST--
The process environment wins over the file; the file fills in the rest; no $_ENV without E in variables_order
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
echo php_child(<<<'PHP'
    visibility('AWS_REGION', 'AWS_DEFAULT_REGION');
    $c = aws_env_status()['captured'];
    printf("%s %s %d\n", $c['AWS_REGION']['source'], $c['AWS_REGION']['state'], $c['AWS_REGION']['length']);
    printf("%s %s\n", $c['AWS_DEFAULT_REGION']['source'], $c['AWS_DEFAULT_REGION']['state']);
    PHP,
    ['aws_env.environ_file' => fixture('ecs.environ'), 'variables_order' => 'GPCS'],
    ['AWS_REGION' => 'from-process']);
?>
--EXPECT--
AWS_REGION: getenv=from-process array=from-process server=from-process env=-
AWS_DEFAULT_REGION: getenv=eu-west-1 array=eu-west-1 server=eu-west-1 env=-
process kept 12
file injected
