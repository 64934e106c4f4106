FROM debian:bookworm@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
COPY node_modules /app/node_modules
COPY build.log /app/
USER app
