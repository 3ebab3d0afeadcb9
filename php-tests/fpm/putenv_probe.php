<?php
// Changes the environment the way application code can, within one request:
// putenv('X') removes X, putenv('X=') empties it, putenv('X=v') replaces it.
// PHP undoes each putenv() when the request ends; the next request of the
// same worker must see aws_env's variables again. ?remove=A&empty=B&replace=C
// name the variables; the reply says what getenv() saw after the changes.
declare(strict_types=1);

header('Content-Type: application/json');

$names = [
    'remove' => (string) ($_GET['remove'] ?? ''),
    'empty' => (string) ($_GET['empty'] ?? ''),
    'replace' => (string) ($_GET['replace'] ?? ''),
];
putenv($names['remove']);
putenv($names['empty'] . '=');
putenv($names['replace'] . '=replaced-by-putenv');

echo json_encode([
    'pid' => getmypid(),
    'after' => [
        'remove' => getenv($names['remove']),
        'empty' => getenv($names['empty']),
        'replace' => getenv($names['replace']),
    ],
], JSON_UNESCAPED_SLASHES);
