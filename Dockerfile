# chapterhouse in a small image: build once with the Rust image, ship only the binary.
#   docker build -t chapterhouse .
#   docker run --rm -v "$PWD:/site" chapterhouse build
# The site is mounted at /site (the working directory); the image runs as a non-root user,
# so the mounted folder must be writable by uid 65532 (or pass `--user "$(id -u):$(id -g)"`).

FROM rust:1.95-slim-bookworm AS builder
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY themes ./themes
COPY benches ./benches
COPY examples ./examples
RUN cargo build --release --locked --bin chapterhouse \
    && strip target/release/chapterhouse

# distroless/cc: glibc and libgcc only, no shell, no package manager; `nonroot` is uid 65532.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=builder /src/target/release/chapterhouse /usr/local/bin/chapterhouse
USER 65532:65532
WORKDIR /site
ENTRYPOINT ["chapterhouse"]
CMD ["--help"]
