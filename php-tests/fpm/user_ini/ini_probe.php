<?php
// What php-fpm's own request start-up set up for this script: the setting
// the .user.ini beside it changes, and which aws_env variables getenv() sees
// (names only). See test_sapi_chain.py.
declare(strict_types=1);

header('Content-Type: application/json');

$names = array_filter(
    explode(',', (string) ($_GET['names'] ?? '')),
    static fn (string $name): bool => $name !== '',
);
echo json_encode([
    'highlight.comment' => ini_get('highlight.comment'),
    'visible' => array_values(array_filter($names, static fn (string $name): bool => getenv($name) !== false)),
]);
