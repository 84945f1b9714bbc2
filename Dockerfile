# refreshctl in a container, as a Kubernetes CronJob runs it: `refreshctl run`
# by default, as a non-root user, the SQLite database in the /data volume
# (or --db postgresql://...). For example:
#   docker build -t refreshctl .
#   docker run --rm -v refreshctl:/data -v "$PWD/targets.toml:/targets.toml:ro" refreshctl apply -f /targets.toml
#   docker run --rm -v refreshctl:/data refreshctl run

# Build stage: Debian's compilers and -dev packages.
FROM debian:bookworm AS build
COPY scripts/deps.sh /src/scripts/deps.sh
RUN /src/scripts/deps.sh build
COPY . /src
RUN cmake -S /src -B /build -DCMAKE_BUILD_TYPE=Release -DREFRESHCTL_BUILD_TESTS=OFF \
 && cmake --build /build -j"$(nproc)" --target refreshctl \
 && strip /build/refreshctl
# The Debian packages that ship the shared libraries the binary links (its
# NEEDED entries); the runtime stage installs these and nothing else.
RUN for lib in $(objdump -p /build/refreshctl | awk '$1 == "NEEDED" {print $2}'); do \
      pkg=$(dpkg -S "*/$lib" 2>/dev/null | head -n1 | cut -d: -f1); \
      [ -n "$pkg" ] || { echo "no Debian package ships $lib" >&2; exit 1; }; \
      echo "$pkg"; \
    done | sort -u > /build/runtime-packages \
 && echo "runtime packages:" $(cat /build/runtime-packages)

# Runtime stage: the shared libraries, CA certificates, time zones, a non-root
# user and the binary; no compiler, no -dev package. libpq5 is installed even
# where this build does not link it yet: PostgreSQL databases (--db
# postgresql://...) need it, and the image should not change when they come.
FROM debian:bookworm-slim
COPY --from=build /build/runtime-packages /tmp/runtime-packages
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata libpq5 \
      $(cat /tmp/runtime-packages) \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /tmp/runtime-packages \
 && useradd --system --uid 10001 --home-dir /data --no-create-home --shell /usr/sbin/nologin refreshctl \
 && install -d -o refreshctl -g refreshctl -m 0700 /data
COPY --from=build /build/refreshctl /usr/bin/refreshctl
USER refreshctl
ENV REFRESHCTL_DB=/data/refreshctl.db
VOLUME /data
ENTRYPOINT ["/usr/bin/refreshctl"]
CMD ["run"]
