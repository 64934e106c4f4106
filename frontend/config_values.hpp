#pragma once

// Values BuildKit checks when it writes the image config: STOPSIGNAL
// (moby/sys/signal.ParseSignal, Linux table) and EXPOSE port specs
// (go-connections/nat.ParsePortSpecs).

#include "support/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace distill::frontend {

// The Linux signal number of "SIGTERM", "term", "15", "RTMIN+3"... Fails with
// `invalid signal: X`.
support::Result<int> parse_stop_signal(std::string_view text);

// The exposed ports of one EXPOSE word ("80", "53/udp", "8000-8002/tcp",
// "127.0.0.1:80:8080"), as "port/proto" keys. Fails with nat's messages
// (`invalid containerPort: x`, `invalid proto: x`, ...).
support::Result<std::vector<std::string>> expose_port_keys(std::string_view spec);

} // namespace distill::frontend
