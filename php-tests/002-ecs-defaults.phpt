--TEST--
Default allowlist: ECS variables from the file become visible everywhere; secrets stay behind
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
echo php_child(<<<'PHP'
    visibility('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_REGION', 'AWS_DEFAULT_REGION',
        'AWS_EXECUTION_ENV', 'ECS_CONTAINER_METADATA_URI_V4', 'AWS_SECRET_ACCESS_KEY', 'DB_PASSWORD', 'HOSTNAME');
    captured();
    file_source();
    PHP, ['aws_env.environ_file' => fixture('ecs.environ'), 'variables_order' => 'EGPCS']);
?>
--EXPECTF--
AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: getenv=/v2/credentials/2f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b array=/v2/credentials/2f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b server=/v2/credentials/2f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b env=/v2/credentials/2f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b
AWS_REGION: getenv=eu-west-1 array=eu-west-1 server=eu-west-1 env=eu-west-1
AWS_DEFAULT_REGION: getenv=eu-west-1 array=eu-west-1 server=eu-west-1 env=eu-west-1
AWS_EXECUTION_ENV: getenv=AWS_ECS_FARGATE array=AWS_ECS_FARGATE server=AWS_ECS_FARGATE env=AWS_ECS_FARGATE
ECS_CONTAINER_METADATA_URI_V4: getenv=http://169.254.170.2/v4/9f8e7d6c array=http://169.254.170.2/v4/9f8e7d6c server=http://169.254.170.2/v4/9f8e7d6c env=http://169.254.170.2/v4/9f8e7d6c
AWS_SECRET_ACCESS_KEY: getenv=- array=- server=- env=-
DB_PASSWORD: getenv=- array=- server=- env=-
HOSTNAME: getenv=- array=- server=- env=-
AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: file 52 injected
AWS_DEFAULT_REGION: file 9 injected
AWS_EXECUTION_ENV: file 15 injected
AWS_REGION: file 9 injected
ECS_CONTAINER_METADATA_URI_V4: file 32 injected
file %s/ecs.environ: read entries=9 skipped=0 error=-
