# TrustDesk's image: the pinned dependencies (installed with their hashes), the package,
# and a user without privileges. The same image runs `trustdesk migrate`, the replicas
# (`trustdesk serve`) and the workers (`trustdesk worker`); see docs/deploy.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TRUSTDESK_ENV=production \
    TRUSTDESK_DATA_DIR=/var/lib/trustdesk

RUN groupadd --system --gid 10001 trustdesk \
    && useradd --system --uid 10001 --gid trustdesk --no-create-home \
       --home-dir /var/lib/trustdesk --shell /usr/sbin/nologin trustdesk \
    && install -d -o trustdesk -g trustdesk -m 0700 /var/lib/trustdesk

WORKDIR /opt/trustdesk
COPY requirements/build.lock requirements/base.lock requirements/
RUN pip install --require-hashes -r requirements/build.lock -r requirements/base.lock
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-deps --no-build-isolation . && rm -rf build src/*.egg-info

USER trustdesk
VOLUME /var/lib/trustdesk
EXPOSE 8000
# Ready, not merely alive: the database, Redis, the keys and the audit trail answer.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys,urllib.request as u; sys.exit(u.urlopen('http://localhost:8000/readyz', timeout=4).status != 200)"]
ENTRYPOINT ["trustdesk"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000", "--no-migrate"]
