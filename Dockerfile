# One image for Drom's processes (the gateway, and Rasa with Drom's actions inside) and for its one-shot
# commands (`python -m bot db upgrade`, `users create`, `handoff list`, ...). docker-compose.yml picks the
# process with `command:`; docs/deploy.md ("Docker Compose") explains the layout.
#
# The model is trained here, at build time, exactly as `make train` does: models/ is not in git, so a
# fresh clone has none to copy, and an image built from a commit always serves the model of that commit's
# training data (about two minutes on two cores). No secret is needed to build, and none is in the image:
# every setting comes from the environment at run time (deploy/drom.env).
FROM python:3.10-slim-bookworm

ARG UV_VERSION=0.13.9

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=3 \
    SQLALCHEMY_WARN_20=1

RUN groupadd --system drom && useradd --system --gid drom --create-home --home-dir /home/drom drom

WORKDIR /app

# The locked dependencies first, so that a change to the code does not reinstall them (the same steps as
# `make install`). Four locked packages are pure-Python sources without wheels; no compiler is needed.
COPY requirements.lock ./
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check uv==${UV_VERSION} \
    && UV_COMPILE_BYTECODE=1 /opt/venv/bin/uv pip sync --no-cache --python /opt/venv/bin/python requirements.lock

# The project (.dockerignore keeps out .venv, var/, models/, reports/, tests other than tests/nlu, and
# every deploy/*.env). The code stays root's; the drom user may write only models/, var/ and .rasa/
# (the console's retrain trains into models/candidates and swaps the result into models/).
COPY . .
RUN for po in locales/*/LC_MESSAGES/*.po; do \
        pybabel compile --use-fuzzy --statistics -i "$po" -o "${po%.po}.mo" || exit 1; \
    done \
    && mkdir -p models/candidates var .rasa \
    && chown -R drom:drom models var .rasa

USER drom

RUN rasa train --config config.yml --domain domain.yml --data nlu_data --out models --fixed-model-name drom \
    && rm -rf .rasa/cache

# The gateway by default; docker-compose.yml sets the command of every other service.
EXPOSE 8000 5005
CMD ["python", "-m", "bot", "serve"]
