# gonogo as a container image: `docker run --rm -v "$PWD:/project" IMAGE`
# checks the mounted project (`check .`); any other arguments replace that
# (`IMAGE check . --env-file deploy.env --format json`). Built and pushed
# by .github/workflows/release.yml.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN rustup show && cargo build --release --locked -p gonogo

FROM debian:12-slim
# git: tracked files and .gitignore; CA certificates: live probes over HTTPS.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --create-home gonogo \
 && git config --system --add safe.directory /project
COPY --from=build /src/target/release/gonogo /usr/local/bin/gonogo
USER gonogo
WORKDIR /project
ENTRYPOINT ["gonogo"]
CMD ["check", "."]
