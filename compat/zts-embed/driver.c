/*
 * The ZTS concurrency test of aws_env: PHP's embed SAPI (a ZTS build, so one
 * process with one PHP context per thread) runs the same script in many
 * threads at once, many requests each, the way a threaded server (FrankenPHP,
 * Apache's worker MPM) does.
 *
 *   driver THREADS REQUESTS_PER_THREAD SCRIPT
 *
 * php.ini comes from PHPRC (the run script points it at a file that loads
 * aws_env). The module starts once, in php_embed_init(), before any thread
 * exists. Then every thread runs REQUESTS_PER_THREAD requests: request
 * start-up (where aws_env's sapi_module.activate hook runs), SCRIPT, request
 * shut-down. SCRIPT exits non-zero when a request does not see the variables.
 *
 * The driver exits 0 only when every request passed and at least two requests
 * really ran at the same time; it prints "N passed, N failed" last.
 */
/* PHP's headers first: its configuration (_GNU_SOURCE) must come before libc's. */
#include <sapi/embed/php_embed.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef ZTS
#error "the concurrency test needs a ZTS build of PHP"
#endif

struct worker {
    pthread_t thread;
    long requests;
    long passed;
    long failed;
};

static const char *script;
static pthread_barrier_t start_line;
/* Requests between start-up and shut-down right now, and the most ever seen:
 * the proof that requests overlapped. */
static atomic_int in_flight;
static atomic_int most_in_flight;

static void note_request_started(void)
{
    int now = atomic_fetch_add(&in_flight, 1) + 1;
    int most = atomic_load(&most_in_flight);
    while (now > most && !atomic_compare_exchange_weak(&most_in_flight, &most, now)) {
    }
}

/* One request on the calling thread; true when the script exited 0. */
static bool run_request(void)
{
    if (php_request_startup() == FAILURE) {
        fprintf(stderr, "driver: php_request_startup failed\n");
        return false;
    }
    note_request_started();
    /* As php_embed_init() does for its own request: no headers, and no
     * chdir to the script's directory. */
    SG(headers_sent) = 1;
    SG(request_info).no_headers = 1;
    SG(options) |= SAPI_OPTION_NO_CHDIR;

    zend_file_handle file;
    zend_stream_init_filename(&file, script);
    bool executed = php_execute_script(&file);
    int exit_status = EG(exit_status);
    zend_destroy_file_handle(&file);

    atomic_fetch_sub(&in_flight, 1);
    php_request_shutdown(NULL);
    return executed && exit_status == 0;
}

static void *work(void *arg)
{
    struct worker *worker = arg;
    /* This thread's PHP context (its executor, SAPI and module globals). */
    (void)ts_resource(0);
    pthread_barrier_wait(&start_line);
    for (long i = 0; i < worker->requests; i++) {
        if (run_request()) {
            worker->passed++;
        } else {
            worker->failed++;
        }
    }
    ts_free_thread();
    return NULL;
}

static long positive(const char *text, const char *what)
{
    char *end;
    long value = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || value <= 0) {
        fprintf(stderr, "driver: %s must be a positive number, not \"%s\"\n", what, text);
        exit(2);
    }
    return value;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s THREADS REQUESTS_PER_THREAD SCRIPT\n", argv[0]);
        return 2;
    }
    long threads = positive(argv[1], "THREADS");
    long requests = positive(argv[2], "REQUESTS_PER_THREAD");
    script = argv[3];

    /* Module start-up (aws_env's MINIT) happens here, on this thread alone. */
    if (php_embed_init(0, NULL) == FAILURE) {
        fprintf(stderr, "driver: php_embed_init failed\n");
        return 1;
    }

    struct worker *workers = calloc((size_t)threads, sizeof *workers);
    if (workers == NULL || pthread_barrier_init(&start_line, NULL, (unsigned)threads) != 0) {
        fprintf(stderr, "driver: out of memory\n");
        return 1;
    }
    for (long t = 0; t < threads; t++) {
        workers[t].requests = requests;
        if (pthread_create(&workers[t].thread, NULL, work, &workers[t]) != 0) {
            fprintf(stderr, "driver: pthread_create failed\n");
            return 1;
        }
    }
    long passed = 0, failed = 0;
    for (long t = 0; t < threads; t++) {
        pthread_join(workers[t].thread, NULL);
        passed += workers[t].passed;
        failed += workers[t].failed;
    }
    php_embed_shutdown();

    int overlap = atomic_load(&most_in_flight);
    bool concurrent = threads == 1 || overlap >= 2;
    printf("driver: %ld threads x %ld requests, at most %d requests at the same time\n",
           threads, requests, overlap);
    if (!concurrent) {
        printf("driver: no two requests overlapped, so nothing was tested concurrently\n");
    }
    printf("%ld passed, %ld failed\n", passed, failed);
    free(workers);
    return failed == 0 && concurrent ? 0 : 1;
}
