# policymon in a container: the daemon (`policymon run`), its data in a volume, secrets from the
# environment. tests/test_deploy.py runs this file's `policymon` lines and its CMD in a venv.
#
#   docker build -t policymon .
#   docker run -d --name policymon -v policymon-data:/var/lib/policymon \
#     -e POLICYMON_SMTP_PASSWORD -e POLICYMON_WEBHOOK_SECRET policymon
#   docker exec policymon policymon status
#
# Your own config: mount it at /etc/policymon/config.toml (see deploy/compose.yaml). Without
# [storage] paths its database and snapshots go to the data directory, which XDG_DATA_HOME
# below puts in the volume.
FROM python:3.11-slim

COPY pyproject.toml README.md LICENSE /src/
COPY monitor /src/monitor
RUN pip install --no-cache-dir /src && rm -rf /src \
    && useradd --system --home-dir /var/lib/policymon --shell /usr/sbin/nologin policymon \
    && install -d -o policymon -g policymon -m 0750 /var/lib/policymon

ENV XDG_DATA_HOME=/var/lib
RUN policymon init /etc/policymon/config.toml

VOLUME /var/lib/policymon
USER policymon
WORKDIR /var/lib/policymon
STOPSIGNAL SIGTERM
CMD ["policymon", "--config", "/etc/policymon/config.toml", "run"]
