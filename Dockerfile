# Build stage: Debian's compilers and -dev packages.
FROM debian:bookworm AS build
COPY scripts/deps.sh /src/scripts/deps.sh
RUN /src/scripts/deps.sh build
COPY . /src
RUN cmake -S /src -B /build -DCMAKE_BUILD_TYPE=Release -DREFRESHCTL_BUILD_TESTS=OFF \
 && cmake --build /build -j"$(nproc)" --target refreshctl

# Runtime stage: only the shared libraries, a non-root user and the binary.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata libcurl4 libsqlite3-0 \
      libpq5 libfmt9 libtomlplusplus3 libhowardhinnant-date3 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --create-home refreshctl
COPY --from=build /build/refreshctl /usr/bin/refreshctl
USER refreshctl
ENV REFRESHCTL_DB=/data/refreshctl.db
VOLUME /data
ENTRYPOINT ["/usr/bin/refreshctl"]
CMD ["run"]
