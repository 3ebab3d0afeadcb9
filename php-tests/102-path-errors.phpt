--TEST--
Bad environ_file paths: dangling symlink, path through a file, symlink loop, overlong name; a symlink to a file is followed
--EXTENSIONS--
aws_env
--FILE--
<?php
require __DIR__ . '/harness.inc';
$dir = fixture_dir();
$ecs = fixture('ecs.environ');
symlink("$dir/nowhere", "$dir/dangling");
symlink("$dir/loop-b", "$dir/loop-a");
symlink("$dir/loop-a", "$dir/loop-b");
symlink($ecs, "$dir/to-ecs");

$report = '$s = aws_env_status()["sources"][1]; echo $s["status"], " | ", $s["error"] ?? "-", " | ", getenv("AWS_REGION") ?: "-", "\n";';
$cases = [
    'dangling symlink' => "$dir/dangling",
    'through a file' => "$ecs/environ",
    'symlink loop' => "$dir/loop-a",
    'overlong name' => $dir . '/' . str_repeat('x', 300),
    'symlink to a file' => "$dir/to-ecs",
];
foreach ($cases as $case => $path) {
    echo "$case: ", php_child($report, ['display_startup_errors' => '1', 'aws_env.environ_file' => $path]);
}
?>
--EXPECT--
dangling symlink: not_found | No such file or directory | -
through a file: error | Not a directory | -
symlink loop: error | Too many levels of symbolic links | -
overlong name: error | File name too long | -
symlink to a file: read | - | eu-west-1
