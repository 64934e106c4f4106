FROM debian:latest AS Build
RUN apt-get update && apt-get install -y curl
ADD https://example.com/tool.tar.gz /opt/
# hadolint ignore=DL3004
RUN sudo true
CMD run-server --port 80
