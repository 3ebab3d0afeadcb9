--TEST--
Bad environ_file paths: dangling symlink, path through a file, symlink loop, overlong name; a symlink to a file is followed
--EXTENSIONS--
aws_env
--FILE--
<?php
$dir = __DIR__ . '/aws_env-102';
@mkdir($dir);
foreach (['dangling', 'loop-a', 'loop-b', 'to-ecs'] as $link) {
    @unlink("$dir/$link");
}
symlink("$dir/nowhere", "$dir/dangling");
symlink("$dir/loop-b", "$dir/loop-a");
symlink("$dir/loop-a", "$dir/loop-b");
symlink(__DIR__ . '/fixtures/ecs.environ', "$dir/to-ecs");

$php = getenv('TEST_PHP_EXECUTABLE');
$report = '$s = aws_env_status()["sources"][1]; echo $s["status"], " | ", $s["error"] ?? "-", " | ", getenv("AWS_REGION") ?: "-", "\n";';
$cases = [
    'dangling symlink' => "$dir/dangling",
    'through a file' => __DIR__ . '/fixtures/ecs.environ/environ',
    'symlink loop' => "$dir/loop-a",
    'overlong name' => $dir . '/' . str_repeat('x', 300),
    'symlink to a file' => "$dir/to-ecs",
];
foreach ($cases as $case => $path) {
    echo "$case: ", shell_exec(escapeshellarg($php) . ' -n -d display_startup_errors=1 -d extension=' . escapeshellarg(__DIR__ . '/aws_env.so')
        . ' -d aws_env.environ_file=' . escapeshellarg($path) . ' -r ' . escapeshellarg($report) . ' 2>&1');
}
foreach (['dangling', 'loop-a', 'loop-b', 'to-ecs'] as $link) {
    unlink("$dir/$link");
}
rmdir($dir);
?>
--EXPECT--
dangling symlink: not_found | No such file or directory | -
through a file: error | Not a directory | -
symlink loop: error | Too many levels of symbolic links | -
overlong name: error | File name too long | -
symlink to a file: read | - | eu-west-1
