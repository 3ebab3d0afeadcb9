<?php
// Runs inside a php-fpm worker: asks AsyncAws Core's default credential chain
// for credentials, exactly as an application would, and reports the access key
// id it got (fixture data served by the tests' stand-in ECS endpoint).
//
// The default chain tries, in order: configuration/env keys, web identity,
// ini files, the ECS container endpoint (needs
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) and last the EC2 instance metadata
// service. So the access key id can only be the stand-in's if the worker saw
// the relative URI, and the IMDS trap stays silent only if the container
// provider succeeded.
declare(strict_types=1);

header('Content-Type: application/json');

$autoload = '/usr/share/php/AsyncAws/Core/autoload.php';
$out = [
    'status' => function_exists('aws_env_status') ? aws_env_status() : null,
    'credentials' => null,
    'error' => null,
];

try {
    if (!is_file($autoload)) {
        throw new RuntimeException("AsyncAws Core autoloader missing: $autoload");
    }
    require $autoload;

    $provider = AsyncAws\Core\Credentials\ChainProvider::createDefaultChain();
    $credentials = $provider->getCredentials(AsyncAws\Core\Configuration::create([]));
    if ($credentials !== null) {
        $out['credentials'] = [
            'access_key_id' => $credentials->getAccessKeyId(),
            'secret_key' => $credentials->getSecretKey(),
            'session_token' => $credentials->getSessionToken(),
        ];
    }
} catch (Throwable $e) {
    $out['error'] = get_class($e) . ': ' . $e->getMessage();
}

echo json_encode($out, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE | JSON_PARTIAL_OUTPUT_ON_ERROR);
