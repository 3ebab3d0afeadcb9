--TEST--
EKS Pod Identity and IRSA variables are in the default allowlist
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
echo php_child(<<<'PHP'
    captured();
    var_dump(getenv('AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE'));
    PHP, ['aws_env.environ_file' => fixture('eks.environ')]);
?>
--EXPECT--
AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: file 77 injected
AWS_CONTAINER_CREDENTIALS_FULL_URI: file 36 injected
AWS_ROLE_ARN: file 43 injected
AWS_STS_REGIONAL_ENDPOINTS: file 8 injected
AWS_WEB_IDENTITY_TOKEN_FILE: file 55 injected
string(77) "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"
