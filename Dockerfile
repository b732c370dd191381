# pgshift on debian:12-slim, for GitLab CI and other container-based pipelines.
# Build context: the directory ci/package writes (build/package), which holds the tarball:
#   ci/build && ci/package && docker build -t pgshift -f Dockerfile build/package
# tests/ci/dockerfile_test.sh runs these steps, in a root file system made of Debian 12's
# packages, whenever the test suite runs.
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*
COPY pgshift-linux-x86_64.tar.gz /tmp/
RUN tar -xzf /tmp/pgshift-linux-x86_64.tar.gz -C /opt && ln -s /opt/pgshift-linux-x86_64/pgshift /usr/local/bin/pgshift && rm /tmp/pgshift-linux-x86_64.tar.gz
RUN pgshift --version
WORKDIR /src
ENTRYPOINT ["pgshift"]
CMD ["--help"]
