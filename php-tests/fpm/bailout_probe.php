<?php
// Makes the engine bail out (longjmp) from inside aws_env, one way per
// ?case=, for test_bailout.py. Each way ends this request; what the test
// checks is that the same worker's next requests still get the variables.
declare(strict_types=1);

/** Each write of the phpinfo section goes through $callback, row by row. */
function print_section(callable $callback): void
{
    ob_start($callback, 1);
    (new ReflectionExtension('aws_env'))->info();
    ob_end_flush();
}

switch ($_GET['case'] ?? '') {
    case 'reentrant':
        // An output handler that asks aws_env for its status while aws_env
        // is printing.
        print_section(function (string $buffer): string {
            aws_env_status();
            return $buffer;
        });
        phpinfo(INFO_MODULES);
        echo "\nreentrant: done\n";
        break;
    case 'memory_limit':
        // memory_limit is reached inside aws_env_status()'s array building.
        ini_set('memory_limit', '3M');
        $kept = [];
        for ($i = 0; $i < 1000000; $i++) {
            $kept[] = aws_env_status();
        }
        break;
    case 'fatal_in_output_callback':
        // A fatal error while one row of the section is being written.
        print_section(function (string $buffer): string {
            if (str_contains($buffer, 'Capture')) {
                trigger_error('fatal in an output callback', E_USER_ERROR);
            }
            return $buffer;
        });
        break;
    case 'slow_section':
        // Each row reaches the client on its own, slowly, so the client can
        // hang up part-way: the next write fails and PHP aborts the request.
        ob_implicit_flush(true);
        print_section(function (string $buffer): string {
            usleep(30000);
            return $buffer;
        });
        break;
    default:
        http_response_code(400);
        echo "unknown case\n";
}
