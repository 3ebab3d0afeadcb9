<?php
// Runs inside a php-fpm worker of the image under test: gets credentials from
// the EKS Pod Identity agent the way the AWS SDK for PHP's container provider
// does (AsyncAws Core as Debian ships it knows only the ECS relative URI):
// the URI from AWS_CONTAINER_CREDENTIALS_FULL_URI, the Authorization header
// from the file AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE names, both read with
// getenv() as the SDK reads them. Reports the credentials it got (fixture data
// served by the tests' stand-in agent) in asyncaws_probe.php's shape.
declare(strict_types=1);

header('Content-Type: application/json');

$out = [
    'status' => function_exists('aws_env_status') ? aws_env_status() : null,
    'credentials' => null,
    'error' => null,
];

try {
    $uri = getenv('AWS_CONTAINER_CREDENTIALS_FULL_URI');
    $tokenFile = getenv('AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE');
    if ($uri === false || $uri === '' || $tokenFile === false || $tokenFile === '') {
        throw new RuntimeException('the worker sees no AWS_CONTAINER_CREDENTIALS_FULL_URI or no token file');
    }
    $token = @file_get_contents($tokenFile);
    if ($token === false || $token === '') {
        throw new RuntimeException('the token file named by AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE is not readable');
    }
    $context = stream_context_create(['http' => [
        'method' => 'GET',
        'header' => 'Authorization: ' . trim($token),
        'timeout' => 5,
        'ignore_errors' => true,
    ]]);
    $body = @file_get_contents($uri, false, $context);
    $status = isset($http_response_header[0]) ? $http_response_header[0] : 'no response';
    if ($body === false || !str_contains($status, ' 200')) {
        throw new RuntimeException("the Pod Identity agent answered: $status");
    }
    $document = json_decode($body, true, 8, JSON_THROW_ON_ERROR);
    $out['credentials'] = [
        'access_key_id' => $document['AccessKeyId'] ?? null,
        'secret_key' => $document['SecretAccessKey'] ?? null,
        'session_token' => $document['Token'] ?? null,
    ];
} catch (Throwable $e) {
    $out['error'] = get_class($e) . ': ' . $e->getMessage();
}

echo json_encode($out, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE | JSON_PARTIAL_OUTPUT_ON_ERROR);
