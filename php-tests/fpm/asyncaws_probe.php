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
    // What the chain logged on its way, in AsyncAws's own words (e.g.
    // "Failed to fetch Profile from Instance Metadata." when it fell through
    // to EC2 instance metadata): dev/demo shows it as the symptom.
    'log' => [],
    'error' => null,
];

try {
    if (!is_file($autoload)) {
        throw new RuntimeException("AsyncAws Core autoloader missing: $autoload");
    }
    require $autoload;

    // Compatible with psr/log 1 to 3: a wider parameter and an added return
    // type are both allowed in a subclass.
    $logger = new class extends Psr\Log\AbstractLogger {
        public array $lines = [];

        public function log($level, $message, array $context = []): void
        {
            $exception = $context['exception'] ?? null;
            $this->lines[] = (string) $message
                . ($exception instanceof Throwable ? ' (' . $exception->getMessage() . ')' : '');
        }
    };
    $provider = AsyncAws\Core\Credentials\ChainProvider::createDefaultChain(null, $logger);
    $credentials = $provider->getCredentials(AsyncAws\Core\Configuration::create([]));
    $out['log'] = $logger->lines;
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
