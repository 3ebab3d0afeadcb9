<?php
// One request of the ZTS concurrency test (run by driver.c in many threads at
// once). It checks every way PHP code reads the environment against the
// fixture the run script wrote (expected.json, next to this file): the
// captured variables are visible everywhere with their exact values, the
// decoy is nowhere, and aws_env_status() agrees. On a mismatch it prints the
// channel and name (never a value) and exits 1, which fails the request.
//
// Like applications that load a .env file, it first calls putenv() with new
// names, so libc grows and moves the environment while other threads read it
// (PHP undoes these at the end of the request).

// A warning or notice is a failure too, not noise in the output.
set_error_handler(static function (int $level, string $message): never {
    echo "request failed: PHP error $level: $message\n";
    exit(1);
});

for ($i = 0; $i < 8; $i++) {
    putenv('AWS_ENV_ZTS_NOISE_' . bin2hex(random_bytes(6)) . '=' . $i);
}

$fixture = json_decode(file_get_contents(__DIR__ . '/expected.json'), true, flags: JSON_THROW_ON_ERROR);
$problems = [];

$status = aws_env_status();
if ($status['sapi'] !== 'embed' || $status['injection'] !== 'at_startup') {
    $problems[] = "aws_env_status(): sapi={$status['sapi']} injection={$status['injection']}";
}

$all = getenv();
foreach ($fixture['visible'] as $name => ['value' => $value, 'source' => $source, 'state' => $state]) {
    $channels = [
        "getenv('$name')" => getenv($name),
        "getenv()['$name']" => $all[$name] ?? null,
        "\$_SERVER['$name']" => $_SERVER[$name] ?? null,
        "\$_ENV['$name']" => $_ENV[$name] ?? null,
    ];
    foreach ($channels as $channel => $seen) {
        if ($seen !== $value) {
            $problems[] = $channel . ($seen === null || $seen === false ? ' missing' : ' differs');
        }
    }
    $captured = $status['captured'][$name] ?? null;
    if ($captured === null
        || $captured['source'] !== $source
        || $captured['state'] !== $state
        || $captured['length'] !== strlen($value)) {
        $problems[] = "aws_env_status()['captured']['$name']";
    }
}

foreach ($fixture['hidden'] as $name) {
    if (getenv($name) !== false || isset($all[$name]) || isset($_SERVER[$name]) || isset($_ENV[$name])
        || isset($status['captured'][$name])) {
        $problems[] = "$name is visible but not allowlisted";
    }
}

if ($problems !== []) {
    echo 'request failed: ', implode('; ', $problems), "\n";
    exit(1);
}
