# check=experimental=all
ARG BASE
# the build stage
FROM --platform=linux/amd64 other.example.org/debian:${VERSION} AS build
RUN git clone https://example.com/project.git /src \
 && curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz \
 && date > /build-date \
 && pip install requests==2.31.0 \
 && apk add curl=8.5.0-r0
COPY . .
RUN npm ci && yarn install
EXPOSE 8080:80/TCP
FROM ${BASE}
FROM --platform=$TARGETPLATFORM scratch AS final
COPY --from=build /src /src
