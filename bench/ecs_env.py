"""The container environment every benchmarked PHP process starts with.

A PHP application in an ECS Fargate task built on the official php:8.2-fpm
image: the variables Fargate injects, the ones the image declares, and the
task definition's application settings, 100 variables in all. Every value is
made up; nothing here is a real credential or endpoint.
"""

TASK = "0f4c9a7e2b8d4c61a3e5f7091b2d4c6e-3779599274"

# What ECS Fargate puts into every container of a task, and what aws_env's
# default allowlist captures. Every other name below is not allowlisted.
FARGATE = {
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/6c1f0d4e-9a3b-4f1e-8d2c-7b5a3e9f1c20",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_EXECUTION_ENV": "AWS_ECS_FARGATE",
    "AWS_REGION": "eu-west-1",
    "ECS_AGENT_URI": f"http://169.254.170.2/api/{TASK}",
    "ECS_CONTAINER_METADATA_URI": f"http://169.254.170.2/v3/{TASK}",
    "ECS_CONTAINER_METADATA_URI_V4": f"http://169.254.170.2/v4/{TASK}",
}

IMAGE = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOSTNAME": "ip-10-0-12-34.eu-west-1.compute.internal",
    "HOME": "/root",
    "PHPIZE_DEPS": "autoconf dpkg-dev file g++ gcc libc-dev make pkg-config re2c",
    "PHP_INI_DIR": "/usr/local/etc/php",
    "PHP_CFLAGS": "-fstack-protector-strong -fpic -fpie -O2 -D_LARGEFILE_SOURCE -D_FILE_OFFSET_BITS=64",
    "PHP_CPPFLAGS": "-fstack-protector-strong -fpic -fpie -O2 -D_LARGEFILE_SOURCE -D_FILE_OFFSET_BITS=64",
    "PHP_LDFLAGS": "-Wl,-O1 -pie",
    "GPG_KEYS": "39B641343D8C104B2B146DC3F9C39DC0B9698544 E60913E4DF209907D8E30D96659A97C9CF2A795A "
    "1198C0117593497A5EC5C199286AF1F9897469DC",
    "PHP_VERSION": "8.2.28",
    "PHP_URL": "https://www.php.net/distributions/php-8.2.28.tar.xz",
    "PHP_ASC_URL": "https://www.php.net/distributions/php-8.2.28.tar.xz.asc",
    "PHP_SHA256": "af8c9153153a7f489153b7a74f2f29a5ee36f5cb2c034c6e1f1b7c8a2b9f3e1d",
}

APPLICATION = {
    "APP_NAME": "storefront",
    "APP_ENV": "production",
    "APP_KEY": "base64:q0bH1u0Zc0m6hV3m0g0m8x2L3Wl9mX1Yw4o9Q2pS7Fk=",
    "APP_DEBUG": "false",
    "APP_URL": "https://shop.example.com",
    "APP_TIMEZONE": "UTC",
    "APP_LOCALE": "en",
    "LOG_CHANNEL": "stderr",
    "LOG_LEVEL": "info",
    "DB_CONNECTION": "mysql",
    "DB_HOST": "storefront.cluster-c1a2b3c4d5e6.eu-west-1.rds.amazonaws.com",
    "DB_PORT": "3306",
    "DB_DATABASE": "storefront",
    "DB_USERNAME": "storefront_app",
    "DB_PASSWORD": "not-a-real-password-7c1e9b2a",
    "DB_READ_HOST": "storefront.cluster-ro-c1a2b3c4d5e6.eu-west-1.rds.amazonaws.com",
    "CACHE_DRIVER": "redis",
    "SESSION_DRIVER": "redis",
    "SESSION_LIFETIME": "120",
    "QUEUE_CONNECTION": "sqs",
    "BROADCAST_DRIVER": "log",
    "FILESYSTEM_DISK": "s3",
    "REDIS_HOST": "storefront.abc123.ng.0001.euw1.cache.amazonaws.com",
    "REDIS_PORT": "6379",
    "REDIS_PASSWORD": "not-a-real-redis-token-41d8",
    "MAIL_MAILER": "ses",
    "MAIL_FROM_ADDRESS": "no-reply@shop.example.com",
    "MAIL_FROM_NAME": "Storefront",
    "AWS_BUCKET": "storefront-assets-eu-west-1",
    "AWS_USE_PATH_STYLE_ENDPOINT": "false",
    "SQS_PREFIX": "https://sqs.eu-west-1.amazonaws.com/123456789012",
    "SQS_QUEUE": "storefront-default",
    "SENTRY_LARAVEL_DSN": "https://0123456789abcdef0123456789abcdef@o123456.ingest.sentry.io/1234567",
    "SENTRY_TRACES_SAMPLE_RATE": "0.05",
    "DD_ENV": "production",
    "DD_SERVICE": "storefront",
    "DD_VERSION": "2024.11.3",
    "DD_AGENT_HOST": "localhost",
    "DD_TRACE_ENABLED": "true",
    "DD_LOGS_INJECTION": "true",
}

# Feature flags and upstream services fill the environment up to 100, the
# way long-lived task definitions grow.
FEATURES = ["CHECKOUT_V2", "GIFT_CARDS", "WISHLIST", "REVIEWS", "RECOMMENDATIONS",
            "LOYALTY", "SEARCH_V3", "PAYPAL", "APPLE_PAY", "KLARNA", "SUBSCRIPTIONS",
            "BACK_IN_STOCK", "STORE_PICKUP", "SAME_DAY", "PRICE_ALERTS", "BUNDLES",
            "LIVE_CHAT", "AB_TESTS", "NEW_HEADER", "DARK_MODE"]
SERVICES = ["INVENTORY", "PRICING", "CATALOG", "SEARCH", "PAYMENTS", "SHIPPING",
            "TAX", "RECOMMENDER", "NOTIFICATIONS", "ACCOUNTS", "LOYALTY", "REVIEWS",
            "FRAUD", "MEDIA", "CMS", "ANALYTICS", "WAREHOUSE", "RETURNS", "COUPONS",
            "ADDRESSES"]


def _filler() -> dict:
    filler = {f"FEATURE_{name}_ENABLED": "true" if i % 3 else "false"
              for i, name in enumerate(FEATURES)}
    filler.update({
        f"{name}_SERVICE_URL": f"http://{name.lower()}.storefront.internal:8080/api/v1"
        for name in SERVICES
    })
    return filler


ENVIRONMENT = {**FARGATE, **IMAGE, **APPLICATION, **_filler()}
assert len(ENVIRONMENT) == 100, len(ENVIRONMENT)

# The names aws_env captures from ENVIRONMENT with its default allowlist, and
# so the names of configuration (d)'s `env[X] = $X` lines.
CAPTURED_NAMES = sorted(FARGATE)
