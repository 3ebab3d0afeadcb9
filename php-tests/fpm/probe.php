<?php
// Probe served by the php-fpm worker under test.
//
// For every name in ?names=A,B,... it reports what the worker sees through each
// channel an application (or an AWS SDK) may use: getenv('X'), the getenv()
// array, $_SERVER and $_ENV. It also dumps those whole arrays so the tests can
// prove a secret value is nowhere in the worker, and returns aws_env_status().
// The values printed here are the tests' own fixture data; aws_env itself must
// never print a value.
//
// $_SERVER and $_ENV are named literally in this file on purpose: with
// auto_globals_jit=1 PHP builds them only when the compiler sees them.
declare(strict_types=1);

header('Content-Type: application/json');

$names = array_values(array_filter(explode(',', (string) ($_GET['names'] ?? '')), 'strlen'));
$getenvArray = getenv();

$vars = [];
foreach ($names as $name) {
    $vars[$name] = [
        'getenv' => getenv($name),                 // string, or false when absent
        'in_getenv_array' => array_key_exists($name, $getenvArray),
        'getenv_array' => $getenvArray[$name] ?? null,
        'in_server' => array_key_exists($name, $_SERVER),
        'server' => $_SERVER[$name] ?? null,
        'in_env' => array_key_exists($name, $_ENV),
        'env' => $_ENV[$name] ?? null,
    ];
}

echo json_encode([
    'sapi' => PHP_SAPI,
    'pid' => getmypid(),
    'ini' => [
        'variables_order' => ini_get('variables_order'),
        'auto_globals_jit' => ini_get('auto_globals_jit'),
    ],
    'extension_loaded' => extension_loaded('aws_env'),
    'status' => function_exists('aws_env_status') ? aws_env_status() : null,
    'vars' => (object) $vars,
    'dumps' => [
        'getenv' => (object) $getenvArray,
        'server' => (object) $_SERVER,
        'env' => (object) $_ENV,
    ],
], JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE | JSON_PARTIAL_OUTPUT_ON_ERROR);
