--TEST--
The process environment obeys the file's rules: entries without `=`, with an invalid or with an empty name are skipped and counted
--EXTENSIONS--
aws_env
--FILE--
<?php
// execve() accepts any string as an entry; a shell cannot make these, so
// proc_open passes an explicit environment (an entry with a numeric key goes
// in as it is: that is the one without `=`). (The entry count is left open:
// php-tests/valgrind adds its own variables to every PHP process.)
$env = ['AWS_ROLE_ARN_WITHOUT_EQUALS', 'AWS-REGION' => 'dash', '=AWS_ROLE_ARN' => 'leading-equals', 'AWS_REGION' => 'ok', 'PATH' => '/usr/bin:/bin'];
$cmd = [getenv('TEST_PHP_EXECUTABLE'), '-n', '-d', 'extension=' . __DIR__ . '/aws_env.so', '-d', 'aws_env.environ_file=',
    '-r', '$s = aws_env_status(); $p = $s["sources"][0]; echo $p["status"], " entries=", $p["entries"], " skipped=", $p["skipped"], "\n";'
        . ' echo implode(",", array_keys($s["captured"])), " ", getenv("AWS_REGION"), "\n";'];
$proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['redirect', 1]], $pipes, null, $env);
echo stream_get_contents($pipes[1]);
var_dump(proc_close($proc));
?>
--EXPECTF--
read entries=%d skipped=3
AWS_REGION ok
int(0)
