--TEST--
The AWS SDK's verdict: in aws_env_status() and phpinfo, following the SDK's order, with the token file checked as this process's user, and no value said
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
$code = <<<'PHP'
$status = aws_env_status();
$c = $status['credentials'];
echo $c['provider'], ' ', var_export($c['endpoint'], true), ' ok=', var_export($c['ok'], true), "\n";
echo 'relies on: ', implode(', ', $c['relies_on']), "\n";
echo 'why: ', $c['why'] ?? '-', "\n";
echo 'token files: ', json_encode($status['token_files']), "\n";
ob_start();
(new ReflectionExtension('aws_env'))->info();
$info = ob_get_clean();
preg_match('/^AWS SDK credentials => (.*)$/m', $info, $row);
echo 'phpinfo: ', $row[1] ?? 'no row', "\n";
echo 'summary matches: ', var_export(($row[1] ?? '') === $c['summary'], true), "\n";
foreach (['2f1e2d3c', 'fixture-role', '/var/run/secrets', 'fixture-static'] as $value) {
    if (str_contains(json_encode($status) . $info, $value)) echo "VALUE SHOWN: $value\n";
}
PHP;
echo "--- ECS\n";
echo php_child($code, ['aws_env.environ_file' => fixture('ecs.environ')]);
echo "--- IRSA, token file missing\n";
echo php_child($code, ['aws_env.environ_file' => fixture('eks.environ')]);
echo "--- static keys in the environment win\n";
echo php_child($code, ['aws_env.environ_file' => fixture('ecs.environ')],
    ['AWS_ACCESS_KEY_ID' => 'AKIAFIXTURE', 'AWS_SECRET_ACCESS_KEY' => 'fixture-static-secret']);
?>
--EXPECT--
--- ECS
container 'ecs' ok=true
relies on: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
why: -
token files: []
phpinfo: the AWS SDK will use the ECS container credentials endpoint
summary matches: true
--- IRSA, token file missing
web_identity NULL ok=false
relies on: AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE
why: the file AWS_WEB_IDENTITY_TOKEN_FILE names cannot be read: No such file or directory; the SDK then goes on down its chain: the shared files, then the EKS Pod Identity agent
token files: {"AWS_WEB_IDENTITY_TOKEN_FILE":{"readable":false,"empty":false,"error":"No such file or directory"},"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE":{"readable":false,"empty":false,"error":"No such file or directory"}}
phpinfo: the AWS SDK will use web identity (IRSA) (not ok: the file AWS_WEB_IDENTITY_TOKEN_FILE names cannot be read: No such file or directory; the SDK then goes on down its chain: the shared files, then the EKS Pod Identity agent)
summary matches: true
--- static keys in the environment win
static_keys NULL ok=true
relies on: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
why: -
token files: []
phpinfo: the AWS SDK will use static keys from the environment
summary matches: true
